"""Whistles (吹哨) on events and the summons (报到) of each department called.

A summons' `escalated_at` is set once, by a conditional UPDATE … WHERE
escalated_at IS NULL, so a late report reaches the district exactly once
however often the sweep runs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.append_only import AppendOnlyModel
from gridgov.core.scope import Scope, ScopedModel, ScopedQuerySet
from gridgov.departments.models import Department
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Node

DEFAULT_REPORT_MINUTES = 30


class Reason(models.TextChoices):
    BEYOND_AUTHORITY = "beyond_authority", _("beyond the subdistrict's authority")
    NO_CLEAR_OWNER = "no_clear_owner", _("no clear owner")
    SPANS_AREAS = "spans_areas", _("spans two or more subdistricts or communities")
    SEVERAL_DEPARTMENTS = "several_departments", _("needs several departments")
    SEVERAL_LEVELS = "several_levels", _("needs several levels")


class Step(models.TextChoices):
    BLOW = "blow", _("whistle blown")
    REPORT = "report", _("reported in")
    PART_DONE = "part_done", _("part done")
    VERIFY = "verify", _("part verified")
    RATE = "rate", _("rated")
    ESCALATE = "escalate", _("late report escalated to the district")
    CLOSE = "close", _("whistle closed")


class WhistleQuerySet(ScopedQuerySet["Whistle"]):
    def for_department(self, scope: Scope) -> WhistleQuerySet:
        """A department sees the whistles that summoned it."""
        return self.filter(summonses__department_id=scope.department_id or 0).distinct()


class Whistle(ScopedModel):
    scope_paths = ("node__code",)
    department_path = "summonses__department_id"

    # The base's manager, with the department's reading widened.
    objects = WhistleQuerySet.as_manager()  # type: ignore[misc]

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="whistles"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    node = models.ForeignKey(
        Node,
        verbose_name=_("subdistrict"),
        help_text=_("The subdistrict that blew the whistle; it decides who sees it."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    blown_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blown by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    blown_at = models.DateTimeField(_("blown at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")
        ordering = ["-blown_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(closed_at__isnull=True),
                name="whistle_one_open_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.get_reason_display()}"


class Summons(ScopedModel):
    scope_paths = ("whistle__node__code",)
    department_path = "department_id"

    whistle = models.ForeignKey(
        Whistle, verbose_name=_("whistle"), on_delete=models.CASCADE, related_name="summonses"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    limit_minutes = models.PositiveIntegerField(
        _("time to report (minutes)"), default=DEFAULT_REPORT_MINUTES
    )
    report_due_at = models.DateTimeField(_("report due at"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    part_description = models.TextField(_("part handled"), blank=True)
    part_done_at = models.DateTimeField(_("part done at"), null=True, blank=True)
    part_verified_at = models.DateTimeField(_("part verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(
        _("escalated at"),
        null=True,
        blank=True,
        help_text=_("When the late report was escalated to the district."),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["report_due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["whistle", "department"], name="summons_whistle_department_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="summons_rating_one_to_five",
            ),
        ]
        indexes = [
            models.Index(fields=["reported_at", "report_due_at"], name="summons_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.whistle_id} {self.department}"

    @property
    def reported_late(self) -> bool:
        return self.reported_at is not None and self.reported_at > self.report_due_at


class WhistleLog(AppendOnlyModel):
    """One step of a whistle, kept beside the event's own timeline (which only the event
    loop writes). Rows are never updated or deleted."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="log")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    summons = models.ForeignKey(
        Summons, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("step"), max_length=24, choices=Step.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("whistle log entry")
        verbose_name_plural = _("whistle log")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.whistle_id} {self.step}"
