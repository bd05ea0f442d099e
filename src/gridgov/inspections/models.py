"""Inspections of small venues and rentals (三小场所, 出租房屋), their rectifications (整改) and the
figures of the hazard ledger.

A venue kind is data (an administrator adds 小旅馆 without a release); its checklist is kept as
numbered versions that are never changed once saved, and an inspection points at the version
it was answered against, so a changed checklist never rewrites a past inspection. A venue is a
registry organisation or home flagged with a kind; the schedule makes one inspection per venue
and period, unique by `source_key`, so a rerun of the schedule makes nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.core.transitions import Transition
from gridgov.events.models import Event
from gridgov.fieldwork.models import FieldTask
from gridgov.jurisdiction.models import Node
from gridgov.registry.models import Home, Organisation


class Target(models.TextChoices):
    ORGANISATION = "organisation", _("organisation")
    HOME = "home", _("home")


class VenueKind(models.Model):
    """小商店, 小餐饮, 小旅馆, 小作坊, 群租房 …: the same everywhere, set by an administrator."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    target = models.CharField(_("flags"), max_length=16, choices=Target.choices)
    interval_days = models.PositiveSmallIntegerField(
        _("inspect every (days)"), default=30, help_text=_("30 for monthly, 90 for quarterly.")
    )
    rectify_days = models.PositiveSmallIntegerField(
        _("working days to rectify"), default=5, help_text=_("The deadline of a rectification.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("venue kind")
        verbose_name_plural = _("venue kinds")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_days__gte=1, rectify_days__gte=1),
                name="venuekind_positive_periods",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    """One version of a kind's checklist; `items` is a list of {code, text, serious, category}.
    A serious item that fails becomes an event of `category` for its department."""

    kind = models.ForeignKey(
        VenueKind, verbose_name=_("venue kind"), on_delete=models.PROTECT, related_name="checklists"
    )
    version = models.PositiveIntegerField(_("version"))
    items = models.JSONField(_("items"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="checklist_kind_version")
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"

    def item(self, code: str) -> dict[str, object] | None:
        return next((i for i in self.items if i["code"] == code), None)


class Venue(ScopedModel):
    scope_paths = ("grid__code",)

    kind = models.ForeignKey(
        VenueKind, verbose_name=_("venue kind"), on_delete=models.PROTECT, related_name="venues"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    home = models.ForeignKey(
        Home,
        verbose_name=_("home"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=255)
    address = models.CharField(_("address"), max_length=255, blank=True)
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    flagged_at = models.DateTimeField(_("flagged at"))

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True, home__isnull=False)
                | models.Q(organisation__isnull=False, home__isnull=True),
                name="venue_one_record",
            ),
            models.UniqueConstraint(
                fields=["kind", "organisation"], name="venue_kind_organisation"
            ),
            models.UniqueConstraint(fields=["kind", "home"], name="venue_kind_home"),
        ]

    def __str__(self) -> str:
        return self.name


class InspectionStatus(models.TextChoices):
    DUE = "due", _("due")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Inspection(ScopedModel):
    """A due visit to a venue, then its answer. A re-inspection checks one rectification's
    item only and names it."""

    scope_paths = ("grid__code",)

    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="inspections"
    )
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    rectification = models.ForeignKey(
        "Rectification",
        verbose_name=_("re-inspection of"),
        null=True,
        blank=True,
        # A re-inspection means nothing without the hazard it checks.
        on_delete=models.CASCADE,
        related_name="reinspections",
    )
    source_key = models.CharField(_("source key"), max_length=96, unique=True)
    field_task = models.OneToOneField(
        FieldTask,
        verbose_name=_("field task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The grid worker's task (same source key) that links to this inspection."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.DUE
    )
    due_at = models.DateTimeField(_("due at"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any worker of the grid."),
    )
    checklist = models.ForeignKey(
        Checklist,
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="inspection_status_due"),
            models.Index(fields=["grid", "due_at"], name="inspection_grid_due"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.due_at:%Y-%m-%d}"


class ItemResult(models.Model):
    """One checklist item's answer, with the item's text as it was asked."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("item"), max_length=32)
    text = models.CharField(_("text"), max_length=255)
    serious = models.BooleanField(_("serious"), default=False)
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "code"], name="itemresult_once")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.passed}"


class InspectionPhoto(models.Model):
    """A photo of the inspection, re-encoded without its EXIF (events.photos)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="photos"
    )
    item_code = models.CharField(_("item"), max_length=32, blank=True)
    file = models.FileField(_("file"), upload_to="inspections/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self) -> str:
        return self.name


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("being rectified")
    OVERDUE = "overdue", _("overdue")
    RECTIFIED = "rectified", _("rectified")
    CANCELLED = "cancelled", _("cancelled")


class Rectification(ScopedModel):
    """A hazard found: one failed item of one inspection, followed until a re-inspection
    passes it (rectified), past its deadline (overdue) or closed without (cancelled)."""

    scope_paths = ("grid__code",)

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("found by"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="rectifications"
    )
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField(_("item"), max_length=32)
    item_text = models.CharField(_("hazard"), max_length=255)
    serious = models.BooleanField(_("serious"), default=False)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    found_at = models.DateTimeField(_("found at"))
    due_at = models.DateTimeField(_("rectify by"))
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The event a serious hazard became, for the responsible department."),
    )

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item_code"], name="rectification_once_per_item"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="rectification_status_due"),
            models.Index(fields=["grid", "found_at"], name="rectification_grid_found"),
        ]

    def __str__(self) -> str:
        return f"{self.venue}: {self.item_text}"


class RectificationTransition(Transition):
    """One step of a rectification, by the workflow's one action."""

    subject_field = "rectification"

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(Transition.Meta):
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")


class InspectionDaily(models.Model):
    """Counts per local day and unit, never ratios: the formulas are in docs/indicators.md
    (ADR 0007's rule, kept here because the counts are this package's). A unit is a node (a
    grid and each node above it: every column) or a worker (`done`, `done_on_time` and the
    `found…` columns of the inspections they recorded; an inspection is any worker's of the
    grid until done, so a worker has no `due`)."""

    day = models.DateField(_("day"))
    node = models.ForeignKey(
        Node,
        verbose_name=_("node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    due = models.PositiveIntegerField(_("inspections due"), default=0)
    done = models.PositiveIntegerField(_("inspections done"), default=0)
    done_on_time = models.PositiveIntegerField(_("inspections done on time"), default=0)
    found = models.PositiveIntegerField(_("hazards found"), default=0)
    found_rectified = models.PositiveIntegerField(_("of those, rectified"), default=0)
    found_rectified_on_time = models.PositiveIntegerField(
        _("of those, rectified on time"), default=0
    )
    found_overdue = models.PositiveIntegerField(_("of those, overdue at some time"), default=0)

    class Meta:
        verbose_name = _("inspection figures of a day")
        verbose_name_plural = _("inspection figures by day")
        ordering = ["-day", "node", "worker"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "node"],
                condition=models.Q(worker__isnull=True),
                name="inspectiondaily_day_node",
            ),
            models.UniqueConstraint(
                fields=["day", "worker"],
                condition=models.Q(node__isnull=True),
                name="inspectiondaily_day_worker",
            ),
            models.CheckConstraint(
                condition=models.Q(node__isnull=True) ^ models.Q(worker__isnull=True),
                name="inspectiondaily_one_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.node_id or self.worker_id}"
