"""The grid worker's one task list, its results and the duty check-ins.

A FieldTask is what someone asks a grid worker to do at a place: every domain (patrols,
visits, inspections, campaigns, a community's hand-assigned job) creates its tasks here, so
the worker has one list and the figures one table. A task's `source_key` is unique: the
domain derives it from what the task is for (a campaign and a target, a plan and a day), so
a fan-out run twice, or raced by a second worker, makes each task once.

A check-in stores the position at that moment only; nothing tracks a worker between them.
The same holds for a patrol: a point is stored where the worker checked in, never a track.

Patrols, care visits, the daily log, the service ledger and leave are this package's own
domains on top of the task list; FieldDaily pre-aggregates their figures per worker and day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.append_only import AppendOnlyModel
from gridgov.core.scope import ScopedModel
from gridgov.core.transitions import Transition
from gridgov.events.models import Event
from gridgov.fieldwork.workflow import Command, Status
from gridgov.jurisdiction.models import Node
from gridgov.registry.models import Person


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
    missed_at = models.DateTimeField(_("missed at"), null=True, blank=True)
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


class FieldTaskTransition(Transition, AppendOnlyModel):
    """One step of a task; rows are never changed."""

    subject_field = "task"

    task = models.ForeignKey(FieldTask, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    command = models.CharField(max_length=16, choices=Command.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Transition.Meta):
        verbose_name = _("field task step")
        verbose_name_plural = _("field task steps")


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


class PatrolPlan(ScopedModel):
    """How often a grid is patrolled and which points a patrol checks; the daily job turns it
    into a patrol task on each day it falls due."""

    scope_paths = ("grid__code",)

    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    every_days = models.PositiveSmallIntegerField(
        _("every (days)"), default=1, help_text=_("1 is every working day.")
    )
    working_days_only = models.BooleanField(_("working days only"), default=True)
    active = models.BooleanField(_("active"), default=True)
    starts_on = models.DateField(_("starts on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["grid__code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(every_days__gte=1, every_days__lte=31),
                name="patrolplan_every_days_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PatrolPoint(models.Model):
    plan = models.ForeignKey(PatrolPlan, on_delete=models.CASCADE, related_name="points")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))

    class Meta:
        verbose_name = _("patrol point")
        verbose_name_plural = _("patrol points")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="patrolpoint_plan_order")
        ]

    def __str__(self) -> str:
        return self.name


class Patrol(ScopedModel):
    """One patrol walked by a worker, for one patrol task: started, checked in at points, ended
    with a summary."""

    scope_paths = ("grid__code",)

    task = models.OneToOneField(FieldTask, on_delete=models.PROTECT, related_name="patrol")
    plan = models.ForeignKey(
        PatrolPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="patrols"
    )
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.started_at:%Y-%m-%d}"


class PatrolCheck(models.Model):
    """A check-in at a point of the patrol (or anywhere on the way), with the position then."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="checks")
    point = models.ForeignKey(
        PatrolPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("patrol check-in")
        verbose_name_plural = _("patrol check-ins")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.at:%H:%M}"


class CareCategory(models.TextChoices):
    """Categories of care only: a visit is help, never watch (SPEC principles)."""

    ELDERLY_ALONE = "elderly_alone", _("elderly, living alone")
    DISABILITY = "disability", _("disability")
    HARDSHIP = "hardship", _("family in difficulty")
    LEFT_BEHIND_CHILD = "left_behind_child", _("child left behind")


class CarePlan(ScopedModel):
    """A person in need of care visited every so many days by the grid's workers."""

    scope_paths = ("grid__code",)

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category of care"), max_length=24, choices=CareCategory)
    every_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    active = models.BooleanField(_("active"), default=True)
    next_due = models.DateField(_("next visit due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("care visit plan")
        verbose_name_plural = _("care visit plans")
        ordering = ["next_due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=models.Q(active=True),
                name="careplan_one_active_per_person_category",
            ),
            models.CheckConstraint(
                condition=models.Q(every_days__gte=1, every_days__lte=366),
                name="careplan_every_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.category}"


class Visit(ScopedModel):
    """What a care visit found; a follow-up, when needed, is a new visit task."""

    scope_paths = ("grid__code",)

    task = models.OneToOneField(FieldTask, on_delete=models.PROTECT, related_name="visit")
    plan = models.ForeignKey(
        CarePlan, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("visited at"))
    met = models.BooleanField(_("met the person"), default=True)
    situation = models.TextField(_("situation"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    follow_up = models.ForeignKey(
        FieldTask,
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.at:%Y-%m-%d}"


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("annual leave")
    SICK = "sick", _("sick leave")
    PERSONAL = "personal", _("personal leave")
    OTHER = "other", _("other leave")


class Leave(ScopedModel):
    """A worker's leave, entered by the community: those days count neither present nor absent."""

    scope_paths = ("worker__node__code",)

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LeaveKind)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["-first_day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="leave_last_after_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.first_day}–{self.last_day}"


class WorkLog(ScopedModel):
    """A worker's daily log (工作日志): the day's figures filled in, the worker's notes, and
    when it was submitted."""

    scope_paths = ("node__code",)

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    figures = models.JSONField(_("the day's work"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-day", "worker_id"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "day"], name="worklog_one_per_worker_day")
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day}"


class ServiceKind(models.TextChoices):
    RESIDENCE_PERMIT = "residence_permit", _("residence permit help")
    CERTIFICATE = "certificate", _("certificate")
    CONSULTATION = "consultation", _("consultation")
    MEDIATION = "mediation", _("mediation")
    ELDERLY_HELP = "elderly_help", _("help to the elderly")
    OTHER = "other", _("other service")


class ServiceOutcome(models.TextChoices):
    DONE = "done", _("done")
    REFERRED = "referred", _("referred")
    PENDING = "pending", _("pending")


class ServiceEntry(ScopedModel):
    """A service given to a resident (服务台账). The person is named masked; the record, when
    the registry knows them, is linked."""

    scope_paths = ("grid__code",)

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        Node, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("service"), max_length=24, choices=ServiceKind)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_label = models.CharField(_("person"), max_length=64)
    at = models.DateTimeField(_("time"))
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ServiceOutcome, default=ServiceOutcome.DONE
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("service entry")
        verbose_name_plural = _("service ledger")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["grid", "at"], name="service_grid_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class FieldDaily(ScopedModel):
    """One worker's field-work counts for one local day, in their area; rebuilt whole for a
    day by actions.field_daily_rebuild. Formulas: docs/indicators.md (issue 13)."""

    scope_paths = ("node__code",)

    day = models.DateField(_("day"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    node = models.ForeignKey(
        Node, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    working_day = models.BooleanField(default=False)
    on_leave = models.BooleanField(default=False)
    present = models.BooleanField(default=False)
    patrols_planned = models.PositiveIntegerField(default=0)
    patrols_done = models.PositiveIntegerField(default=0)
    points_planned = models.PositiveIntegerField(default=0)
    points_checked = models.PositiveIntegerField(default=0)
    log_submitted = models.BooleanField(default=False)
    visits_due = models.PositiveIntegerField(default=0)
    visits_done = models.PositiveIntegerField(default=0)
    tasks_due = models.PositiveIntegerField(default=0)
    tasks_done_on_time = models.PositiveIntegerField(default=0)
    services = models.PositiveIntegerField(default=0)
    findings = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily field-work counts")
        verbose_name_plural = _("daily field-work counts")
        ordering = ["day", "worker_id"]
        constraints = [
            models.UniqueConstraint(fields=["day", "worker"], name="fielddaily_worker_day")
        ]
        indexes = [models.Index(fields=["node", "day"], name="fielddaily_node_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.worker_id}"
