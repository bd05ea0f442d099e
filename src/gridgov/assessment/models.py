"""Pre-aggregated daily indicator counts and the centre's handling scores.

Dashboards read IndicatorDaily, never the event tables: a month's scorecard
sums thirty rows per unit instead of scanning every event. Only counts are
stored; every ratio is computed from the sums when read, so summing days into
months and quarters stays exact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.departments.models import Department
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Node


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("department")
    NODE = "node", _("level")


# The count columns of IndicatorDaily, in the order docs/indicators.md lists them.
COUNT_COLUMNS: tuple[str, ...] = (
    "reported",
    "reported_closed",
    "registered",
    "registered_on_time",
    "dispatched",
    "dispatched_on_time",
    "dispatch_returned",
    "handled",
    "handled_on_time",
    "closed",
    "closed_on_time",
    "reworked",
    "rating_count",
    "rating_sum",
    "centre_score_count",
    "centre_score_sum",
    "whistle_summoned",
    "whistle_reported_on_time",
    "whistle_rating_count",
    "whistle_rating_sum",
)

# The counts kept for departments: their own work, not the dispatching level's (registering
# and dispatching). A department's report cohort is the events reported in the period that
# are now assigned to it.
LEVEL_ONLY_COLUMNS = frozenset(
    {"registered", "registered_on_time", "dispatched", "dispatched_on_time", "dispatch_returned"}
)
DEPARTMENT_COLUMNS = frozenset(COUNT_COLUMNS) - LEVEL_ONLY_COLUMNS


class IndicatorDaily(ScopedModel):
    """One unit's counts for one local day; rebuilt whole by actions.indicators_rebuild."""

    # A node's counts, or a department's serving a node.
    scope_paths = ("node__code", "department__node__code")

    day = models.DateField(_("day"))
    unit_kind = models.CharField(_("unit kind"), max_length=16, choices=UnitKind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    node = models.ForeignKey(
        Node,
        verbose_name=_("level"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reported = models.PositiveIntegerField(default=0)
    reported_closed = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    registered_on_time = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    dispatched_on_time = models.PositiveIntegerField(default=0)
    dispatch_returned = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    handled_on_time = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    reworked = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    centre_score_count = models.PositiveIntegerField(default=0)
    centre_score_sum = models.PositiveIntegerField(default=0)
    whistle_summoned = models.PositiveIntegerField(default=0)
    whistle_reported_on_time = models.PositiveIntegerField(default=0)
    whistle_rating_count = models.PositiveIntegerField(default=0)
    whistle_rating_sum = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily indicator counts")
        verbose_name_plural = _("daily indicator counts")
        ordering = ["day", "unit_kind"]
        constraints = [
            # Unique per (day, unit_kind, department, node); one of the two is always null, and
            # NULLs never clash in a plain unique index, so each kind has its own.
            models.UniqueConstraint(
                fields=["day", "department"],
                condition=models.Q(unit_kind=UnitKind.DEPARTMENT),
                name="indicator_daily_department_day_unique",
            ),
            models.UniqueConstraint(
                fields=["day", "node"],
                condition=models.Q(unit_kind=UnitKind.NODE),
                name="indicator_daily_node_day_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        unit_kind=UnitKind.DEPARTMENT,
                        department__isnull=False,
                        node__isnull=True,
                    )
                    | models.Q(unit_kind=UnitKind.NODE, department__isnull=True, node__isnull=False)
                ),
                name="indicator_daily_one_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["unit_kind", "node", "day"], name="indicator_daily_node_day"),
            models.Index(
                fields=["unit_kind", "department", "day"], name="indicator_daily_dept_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_kind} {self.node_id or self.department_id}"


class RebuildMark(models.Model):
    """Until when the periodic rebuild has read the timeline: the next run rebuilds every day
    an event touched since, whatever day that was (one row)."""

    through = models.DateTimeField(_("read through"))

    class Meta:
        verbose_name = _("indicator rebuild mark")
        verbose_name_plural = _("indicator rebuild marks")

    def __str__(self) -> str:
        return f"{self.through:%Y-%m-%d %H:%M}"


class HandlingScore(models.Model):
    """The command centre's score of how a closed event was handled (1–5)."""

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="handling_score"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("handling score")
        verbose_name_plural = _("handling scores")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="handling_score_one_to_five",
            ),
        ]
        indexes = [models.Index(fields=["at"], name="handling_score_at")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.score}"


class SheetItem(models.Model):
    """One line of the assessment sheet and its weight, as data: an indicator's code (see
    indicators.py) or APPRAISAL, the community's democratic appraisal (民主测评). The weights
    of a unit kind add up to 100."""

    unit_kind = models.CharField(_("unit kind"), max_length=16, choices=UnitKind.choices)
    code = models.CharField(_("item"), max_length=40)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("assessment sheet item")
        verbose_name_plural = _("assessment sheet items")
        ordering = ["unit_kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit_kind", "code"], name="sheet_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind} {self.code} {self.weight}"


APPRAISAL = "appraisal"


class AppraisalScore(ScopedModel):
    """A community's democratic appraisal (民主测评) score, 0–100, for a month or quarter."""

    scope_paths = ("node__code",)

    node = models.ForeignKey(
        Node, verbose_name=_("community"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=8)
    start = models.DateField(_("first day"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("democratic appraisal score")
        verbose_name_plural = _("democratic appraisal scores")
        constraints = [
            models.UniqueConstraint(fields=["node", "period", "start"], name="appraisal_unique"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="appraisal_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.period} {self.start}"


class StaffingFactor(models.Model):
    """One factor of a grid's workload: how much of it one grid worker carries, and its weight
    in the recommendation (docs/indicators.md, "Workload-based staffing")."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("name"), max_length=100)
    per_worker = models.FloatField(_("carried by one worker"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("staffing factor")
        verbose_name_plural = _("staffing factors")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label
