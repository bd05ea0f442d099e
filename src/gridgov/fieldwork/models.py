"""The grid worker's one task list, its results and the duty check-ins.

A FieldTask is what someone asks a grid worker to do at a place: every domain (patrols,
visits, inspections, campaigns, a community's hand-assigned job) creates its tasks here, so
the worker has one list and the figures one table. A task's `source_key` is unique: the
domain derives it from what the task is for (a campaign and a target, a plan and a day), so
a fan-out run twice, or raced by a second worker, makes each task once.

A check-in stores the position at that moment only; nothing tracks a worker between them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.append_only import AppendOnlyModel
from gridgov.events.models import Event
from gridgov.fieldwork.workflow import Command, Status
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.scope import ScopedModel


class TargetKind(models.TextChoices):
    GRID = "grid", _("grid")
    HOME = "home", _("home")
    ORGANISATION = "organisation", _("organisation or venue")
    PERSON = "person", _("person")
    ROUTE = "route", _("route")


class FieldTask(ScopedModel):
    scope_paths = ("grid__code",)

    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("instructions"), blank=True)
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        help_text=_("Empty: any grid worker of the grid may do it."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_kind = models.CharField(
        _("target kind"), max_length=16, choices=TargetKind.choices, default=TargetKind.GRID
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    version = models.PositiveIntegerField(default=1)
    source_key = models.CharField(_("source key"), max_length=160, unique=True)
    payload = models.JSONField(
        _("domain data"),
        default=dict,
        blank=True,
        help_text=_("What the domain that made the task needs to find its own record."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_note = models.TextField(_("result note"), blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("linked event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("field task")
        verbose_name_plural = _("field tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["grid", "status", "due_at"], name="fieldtask_grid_queue"),
            models.Index(fields=["assignee", "status", "due_at"], name="fieldtask_assignee_queue"),
            models.Index(fields=["status", "due_at"], name="fieldtask_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lon__isnull=True, lat__isnull=True)
                | models.Q(lon__isnull=False, lat__isnull=False),
                name="fieldtask_point_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class FieldTaskTransition(AppendOnlyModel):
    """One step of a task; rows are never changed."""

    task = models.ForeignKey(FieldTask, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    command = models.CharField(max_length=16, choices=Command.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("field task step")
        verbose_name_plural = _("field task steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.command}"


def photo_path(instance: FieldPhoto, filename: str) -> str:
    return f"fieldwork/{instance.at:%Y/%m}/{filename}"


class FieldPhoto(models.Model):
    """A photo of a task's result; its bytes were checked (events.photos) before it was stored."""

    task = models.ForeignKey(FieldTask, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("result photo")
        verbose_name_plural = _("result photos")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.name


class Duty(models.TextChoices):
    START = "start", _("start of duty")
    END = "end", _("end of duty")


class CheckIn(ScopedModel):
    """A start or end of duty with where the worker stood at that moment, and how far that was
    from the worker's area (0 inside it)."""

    scope_paths = ("node__code",)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    duty = models.CharField(_("duty"), max_length=8, choices=Duty.choices)
    at = models.DateTimeField(_("time"))
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    distance_m = models.PositiveIntegerField(_("distance from the area (m)"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duty check-in")
        verbose_name_plural = _("duty check-ins")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="checkin_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.duty} {self.at:%Y-%m-%d %H:%M}"
