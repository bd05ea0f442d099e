"""Monthly figures per node, indices as data with their history, departments' monthly figures,
and prompt notices (提示单).

The panorama reads NodeMonth only: one row per node, month and measure, written by the
monthly task from the pre-aggregated daily counts and the registry. An index is rows, not
code: its components name measures, so a new index is data entry, never a release.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node


class NodeMonth(ScopedModel):
    """One measure's value for one node and calendar month (None: nothing to measure)."""

    scope_paths = ("node__code",)

    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    measure = models.CharField(_("measure"), max_length=64)
    value = models.FloatField(_("value"), null=True)

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "month", "node"], name="node_month_measure_unique"
            ),
        ]
        indexes = [models.Index(fields=["node", "measure", "month"], name="node_month_trend")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.month:%Y-%m} {self.measure}"


class FigureKind(models.Model):
    """A figure a department enters each month per area (crime rate, accident rate, a survey)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    plausible_min = models.FloatField(_("plausible minimum"))
    plausible_max = models.FloatField(_("plausible maximum"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments that enter it"), related_name="+"
    )

    class Meta:
        verbose_name = _("department figure")
        verbose_name_plural = _("department figures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MonthlyFigure(ScopedModel):
    """A department's figure for one area and month; out of its plausible range only when
    the person entering it confirmed it."""

    scope_paths = ("node__code",)

    kind = models.ForeignKey(FigureKind, on_delete=models.PROTECT, related_name="entries")
    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    value = models.FloatField(_("value"))
    confirmed_out_of_range = models.BooleanField(_("confirmed out of range"), default=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("monthly department figure")
        verbose_name_plural = _("monthly department figures")
        constraints = [
            models.UniqueConstraint(fields=["kind", "node", "month"], name="monthly_figure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_id} {self.node_id} {self.month:%Y-%m}"


class Index(models.Model):
    """An index over the areas of some levels: a weighted sum of normalised components, and
    the rule that says when a move is sharp enough for a prompt notice."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    levels = models.JSONField(_("levels computed"), default=list)
    # A move is sharp when it leaves the mean of the area's own history by more than
    # threshold_sd standard deviations, or the previous month by more than threshold_pct %;
    # and in either case by at least threshold_floor points, so that a flat history does not
    # turn noise into alarms.
    threshold_sd = models.FloatField(_("standard deviations"), default=2.0)
    threshold_pct = models.FloatField(_("month-on-month change (%)"), default=30.0)
    threshold_floor = models.FloatField(_("smallest move (points)"), default=5.0)
    min_history = models.PositiveSmallIntegerField(_("months of history needed"), default=6)
    reply_hours = models.PositiveSmallIntegerField(_("working hours to reply"), default=40)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("index")
        verbose_name_plural = _("indices")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher", _("higher is better")
    LOWER_BETTER = "lower", _("lower is better")


class Normalisation(models.TextChoices):
    # (value − low) ÷ (high − low), clipped to 0–1: the same yardstick every month.
    RANGE = "range", _("fixed range")
    # (value − lowest) ÷ (highest − lowest) among the areas of the same level that month.
    PEERS = "peers", _("against the other areas")


class IndexComponent(models.Model):
    index = models.ForeignKey(Index, on_delete=models.CASCADE, related_name="components")
    measure = models.CharField(_("measure"), max_length=64)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    normalisation = models.CharField(
        _("normalisation"), max_length=8, choices=Normalisation.choices
    )
    low = models.FloatField(_("low end"), null=True, blank=True)
    high = models.FloatField(_("high end"), null=True, blank=True)

    class Meta:
        verbose_name = _("index component")
        verbose_name_plural = _("index components")
        ordering = ["index", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["index", "measure"], name="index_component_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.index_id}: {self.measure}"


class IndexValue(ScopedModel):
    """An index for one area and month, with each component's raw value, score and weight."""

    scope_paths = ("node__code",)

    index = models.ForeignKey(Index, on_delete=models.CASCADE, related_name="values")
    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    value = models.FloatField(_("value"), null=True)
    components = models.JSONField(_("components"), default=dict)

    class Meta:
        verbose_name = _("index value")
        verbose_name_plural = _("index values")
        ordering = ["index", "node", "month"]
        constraints = [
            models.UniqueConstraint(fields=["index", "node", "month"], name="index_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.index_id} {self.node_id} {self.month:%Y-%m}"


class IndexDay(ScopedModel):
    """An index for one area and day, over the thirty days ending that day: components with
    daily tables read that window, the rest carry their month's value (ADR 0038)."""

    scope_paths = ("node__code",)

    index = models.ForeignKey(Index, on_delete=models.CASCADE, related_name="days")
    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("daily index value")
        verbose_name_plural = _("daily index values")
        constraints = [
            models.UniqueConstraint(fields=["index", "node", "day"], name="index_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.index_id} {self.node_id} {self.day}"


class GridPeople(ScopedModel):
    """The people the registry holds in a grid now, at the grid's centre: the population heat
    layer reads these rows, which the hourly job replaces, never the registry itself."""

    scope_paths = ("grid__code",)

    grid = models.OneToOneField(
        Node, verbose_name=_("grid"), on_delete=models.CASCADE, related_name="+"
    )
    people = models.PositiveIntegerField(_("people"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("people per grid")
        verbose_name_plural = _("people per grid")

    def __str__(self) -> str:
        return f"{self.grid_id}: {self.people}"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("drafted")
    ISSUED = "issued", _("issued")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", _("closed")
    DISMISSED = "dismissed", _("dismissed")


class PromptNotice(ScopedModel):
    """A prompt notice (提示单) on an area whose index moved sharply, followed until closed."""

    scope_paths = ("node__code",)

    index = models.ForeignKey(Index, on_delete=models.PROTECT, related_name="notices")
    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    value = models.FloatField(_("index value"))
    baseline = models.FloatField(_("baseline"))
    reason = models.CharField(_("reason"), max_length=200)
    # Each component's move: {measure: {"label", "raw", "score", "baseline", "change",
    # "contribution"}}, largest contribution first.
    explanation = models.JSONField(_("explanation"), default=list)
    measures_taken = models.TextField(_("measures"), blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("reply overdue since"), null=True, blank=True)

    class Meta:
        verbose_name = _("prompt notice")
        verbose_name_plural = _("prompt notices")
        ordering = ["-month", "node"]
        constraints = [
            models.UniqueConstraint(fields=["index", "node", "month"], name="prompt_notice_unique"),
        ]
        indexes = [models.Index(fields=["status", "reply_due_at"], name="prompt_notice_due")]

    def __str__(self) -> str:
        return f"{self.index_id} {self.node_id} {self.month:%Y-%m}"


class PromptNoticeStep(models.Model):
    """One step of a notice's timeline (the audit trail holds the tamper-evident copy)."""

    notice = models.ForeignKey(PromptNotice, on_delete=models.CASCADE, related_name="steps")
    command = models.CharField(_("command"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("prompt notice step")
        verbose_name_plural = _("prompt notice steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.command}"
