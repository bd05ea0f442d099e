"""The event catalogue, events, their immutable timeline and their stage deadlines.

Status is written only by gridgov.events.actions.loop.event_apply, which
checks the transition table in gridgov.events.workflow; `version` lets a client
that read an event say which state it saw, so two people pressing buttons on
the same case cannot both win.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.append_only import AppendOnlyModel
from gridgov.core.scope import Scope, ScopedModel, ScopedQuerySet
from gridgov.core.transitions import Transition
from gridgov.departments.models import Department
from gridgov.events.catalogue import Severity, field_schema_problems
from gridgov.events.workflow import AUTO_ESCALATE, OPEN_STATUSES, Outcome, Stage, Status
from gridgov.jurisdiction.models import Node


class Channel(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    HOTLINE = "hotline", _("12345 hotline")
    SNAP_REPORT = "snap_report", _("snap-and-report")
    DEPARTMENT_REFERRAL = "department_referral", _("department referral")
    SENSOR = "sensor", _("sensor or patrol system")
    API = "api", _("API")


class Category(models.Model):
    """A class (2-digit code) or a subclass (4 digits); events are filed under subclasses."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subclasses",
    )
    department_code = models.CharField(
        _("default department code"),
        max_length=32,
        blank=True,
        help_text=_(
            "A department's code, or the suffix of each district's department code "
            "(320104-urban → urban)."
        ),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("default department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    severity = models.CharField(
        _("default severity"), max_length=8, choices=Severity.choices, default=Severity.NORMAL
    )
    register_minutes = models.PositiveIntegerField(_("time to register (minutes)"), default=0)
    dispatch_minutes = models.PositiveIntegerField(_("time to dispatch (minutes)"), default=0)
    handle_minutes = models.PositiveIntegerField(_("time to handle (minutes)"), default=0)
    verify_minutes = models.PositiveIntegerField(_("time to verify (minutes)"), default=0)
    natural_time = models.BooleanField(
        _("natural minutes"),
        default=False,
        help_text=_("Time limits run day and night (urgent categories) instead of office hours."),
    )
    self_handle = models.BooleanField(_("the grid may solve it itself"), default=False)
    extra_fields = models.JSONField(_("extra fields"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    public = models.BooleanField(
        _("shown to the public"),
        default=False,
        help_text=_(
            "Reports of this category appear on the public map and in Open311 lists; "
            "leave it off where a report says something about a person or a home."
        ),
    )

    class Meta:
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}([0-9]{2})?$"),
                name="category_code_two_or_four_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_subclass(self) -> bool:
        return len(self.code) == 4

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        schema = field_schema_problems(self.extra_fields)
        if schema:
            errors["extra_fields"] = [f"{p.field}: {p.message}" for p in schema.problems]
        if self.severity == Severity.URGENT and not self.natural_time:
            errors["natural_time"] = [str(_("Urgent categories count natural minutes."))]
        if errors:
            raise ValidationError(errors)

    def limit_minutes(self, stage: str) -> int:
        return int(getattr(self, f"{stage}_minutes"))


class EventQuerySet(ScopedQuerySet["Event"]):
    def for_department(self, scope: Scope) -> EventQuerySet:
        """A department sees the events dispatched to it, and those whose open whistle summoned
        it, to report in and do its part without taking over the loop (which stays with the
        department dispatched to). Through the whistle's related names: gridgov.whistle
        imports this package."""
        summoned = Event.objects.unscoped().filter(
            whistles__closed_at__isnull=True,
            whistles__summonses__department_id=scope.department_id or 0,
        )
        return self.filter(
            models.Q(assigned_department_id=scope.department_id or 0)
            | models.Q(pk__in=summoned.values("pk"))
        )


class Event(ScopedModel):
    scope_paths = ("node__code",)
    department_path = "assigned_department_id"
    public_lookup = {"category__public": True}

    # The base's manager, with the department's reading widened.
    objects = EventQuerySet.as_manager()  # type: ignore[misc]

    number = models.CharField(_("number"), max_length=16, unique=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="events"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    description = models.TextField(_("description"))
    lon = models.FloatField(_("longitude (WGS84)"))
    lat = models.FloatField(_("latitude (WGS84)"))
    node = models.ForeignKey(
        Node,
        verbose_name=_("location"),
        help_text=_("The deepest jurisdiction node holding the point; it decides who sees it."),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # event_node_status leads with it
    )
    grid = models.ForeignKey(
        Node,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        Node,
        verbose_name=_("owning level"),
        help_text=_("The jurisdiction node responsible for the event now."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REPORTED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    assigned_department = models.ForeignKey(
        Department,
        verbose_name=_("assigned department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    extension_minutes = models.PositiveIntegerField(
        _("extension requested (minutes)"), null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)
    address = models.CharField(
        _("address"),
        max_length=200,
        blank=True,
        help_text=_("As the reporter wrote it; the point, not the address, decides the grid."),
    )
    hotline_ticket = models.CharField(_("hotline ticket"), max_length=32, blank=True)
    caller_name_masked = models.CharField(_("caller (masked)"), max_length=32, blank=True)
    caller_phone_masked = models.CharField(_("caller phone (masked)"), max_length=32, blank=True)
    caller_phone_last4 = models.CharField(
        _("last four digits of the caller's phone"), max_length=4, blank=True, db_index=True
    )
    source_system = models.CharField(_("source system"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, blank=True)
    body_sha256 = models.CharField(
        _("SHA-256 of the intake body"),
        max_length=64,
        blank=True,
        help_text=_("A retry must send the same body as the first delivery."),
    )
    master = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    supervised_at = models.DateTimeField(_("supervised at"), null=True, blank=True)
    supervised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)

    # Left by the action that filed the event, so that its answer need not read them back.
    deadlines_loaded: list[Deadline]
    attachments_loaded: list[EventAttachment]
    # Left by gridgov.residents.selectors.public_answers: the description as the public reads it.
    public_description: str

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Every list walks this, newest first, and stops at its page.
            models.Index(
                models.F("created_at").desc(), models.F("id").desc(), name="event_created_desc"
            ),
            models.Index(fields=["status", "created_at"], name="event_status_created"),
            # Scope joins the nodes under the caller's code and reads each node's events in one
            # state (a queue tab) or the open ones (the overdue tab): a few rows per node,
            # where intersecting the node and status indexes per node cost 200 ms a district.
            models.Index(fields=["node", "status"], name="event_node_status"),
            models.Index(fields=["category", "status", "created_at"], name="event_cat_status"),
            # Duplicate candidates: the open events of one category in a band of latitude, a
            # handful however many of that category were reported or closed lately.
            models.Index(
                fields=["category", "lat"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="event_open_cat_lat",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="event_rating_one_to_five",
            ),
            models.UniqueConstraint(
                fields=["hotline_ticket"],
                condition=models.Q(channel="hotline") & ~models.Q(hotline_ticket=""),
                name="event_hotline_ticket_once",
            ),
            models.UniqueConstraint(
                fields=["source_system", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="event_idempotency_key_per_source",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class EventTransition(Transition, AppendOnlyModel):
    """One step of an event's timeline. Rows are never updated or deleted."""

    subject_field = "event"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="transitions")
    command = models.CharField(_("command"), max_length=24)
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    stage = models.CharField(
        _("stage"),
        max_length=16,
        blank=True,
        help_text=_("The stage whose time limit ran out, for escalations by the sweeper."),
    )

    class Meta(Transition.Meta):
        verbose_name = _("event transition")
        verbose_name_plural = _("event transitions")
        constraints = [
            # The database, not the sweeper's care, keeps it to one per overdue stage.
            models.UniqueConstraint(
                fields=["event", "stage"],
                condition=models.Q(command=AUTO_ESCALATE),
                name="transition_one_auto_escalation_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.command}: {self.from_status} → {self.to_status}"


# A clock that counts now: its attempt has not ended and is not paused by a suspension.
CLOCK_TICKING = models.Q(ended_at__isnull=True, paused_at__isnull=True)


class Deadline(models.Model):
    """One attempt at one stage of an event, against its time limit.

    A stage entered again (a re-dispatch after a return, a handling after
    rework, a reopening) is a new row: a finished attempt is history and no
    command writes it again, so the time-limit table and the indicators read
    what really happened. At most one attempt per event runs at a time.
    Suspension pauses the running attempt (`paused_at`); resuming moves its
    due time by the paused span and keeps the total in `paused_minutes`.
    `escalated_at` is set once by the sweeper's conditional UPDATE … WHERE
    escalated_at IS NULL; a new attempt of a stage already escalated keeps
    that stamp, so a stage of an event escalates at most once.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    ended_at = models.DateTimeField(
        _("ended at"),
        null=True,
        blank=True,
        help_text=_("When the event left the stage; the clock stops here."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    paused_at = models.DateTimeField(
        _("paused since"),
        null=True,
        blank=True,
        help_text=_("Set while the event is suspended; the clock does not run."),
    )
    paused_minutes = models.PositiveIntegerField(
        _("paused (minutes)"),
        default=0,
        help_text=_("Time spent suspended, in the category's minutes; the due time includes it."),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    # Left by the filing on its first clock: the answer's calendar warning ("" for none).
    calendar_warning_loaded: str

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(ended_at__isnull=True),
                name="deadline_one_running_per_event",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True, outcome="")
                | (models.Q(ended_at__isnull=False) & ~models.Q(outcome="")),
                name="deadline_outcome_when_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["ended_at", "due_at"], name="deadline_open_due"),
            models.Index(fields=["event", "stage"], name="deadline_event_stage"),
            # The sweeper's question, answered from a small index however many events are open.
            models.Index(
                fields=["due_at"],
                condition=models.Q(
                    ended_at__isnull=True, escalated_at__isnull=True, paused_at__isnull=True
                ),
                name="deadline_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.stage} {self.due_at:%Y-%m-%d %H:%M}"


class EventCounter(models.Model):
    """The last sequence number given out on a day, for numbers like SJ20260315000042."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


def attachment_path(attachment: EventAttachment, filename: str) -> str:
    return f"events/{attachment.event.number}/{filename}"


class EventAttachment(models.Model):
    """A photo of the problem or of the work done; its bytes were checked before it was stored."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    transition = models.ForeignKey(
        EventTransition,
        verbose_name=_("step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("time"))
    public_approved = models.BooleanField(
        _("approved for the public"),
        default=False,
        help_text=_("Only approved photos are ever shown to residents."),
    )

    class Meta:
        verbose_name = _("event attachment")
        verbose_name_plural = _("event attachments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.name}"


class EventComment(models.Model):
    """A word between staff on a case that moves nothing: never public, never edited.

    `@name` of a department serving the event's place tells that department's handlers
    (the mentions are kept so the page can show who was told)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(
        Department, verbose_name=_("departments mentioned"), blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("internal comment")
        verbose_name_plural = _("internal comments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event.number} · {self.at:%Y-%m-%d %H:%M}"


class ReplyTemplate(models.Model):
    """A sentence handlers reuse for a category (or for every category when none is named)."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_templates",
    )
    title = models.CharField(_("title"), max_length=64)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["category__code", "title"]

    def __str__(self) -> str:
        return self.title


class SavedFilter(models.Model):
    """A queue filter a person keeps under a name: their own, seen by nobody else."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=40)
    query = models.CharField(_("filter"), max_length=500)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
