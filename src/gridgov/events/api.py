"""Events: report from every channel, list and read within the caller's jurisdiction, move
one step at a time, and the loop's figures.

Photos travel as multipart: the JSON body goes in a form field named `data`
and the photos in `photos`, on the `/with-photos` twins of the JSON routes.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from gridgov.accounts.requests import request_user
from gridgov.core.multipart import json_part
from gridgov.events import selectors
from gridgov.events.actions import intake, loop
from gridgov.events.models import Channel, Event, EventAttachment, EventTransition
from gridgov.events.paging import CappedPageNumberPagination
from gridgov.events.workflow import STATES, allowed_commands
from gridgov.events.workflow import Status as EventStatus
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.worktime.selectors import calendar_warning_for

if TYPE_CHECKING:
    from gridgov.accounts.models import User

router = Router(tags=["events"])


def _enum_schema(name: str, values: list[str]) -> WithJsonSchema:
    """Inline the enum under a name of its own: packages each have a "Status" or a "Channel",
    and OpenAPI components keyed by the bare class name would overwrite one another."""
    return WithJsonSchema({"type": "string", "enum": values, "title": name})


StatusValue = Annotated[EventStatus, _enum_schema("EventStatus", EventStatus.values)]
ChannelValue = Annotated[Channel, _enum_schema("EventChannel", Channel.values)]


class Ref(Schema):
    code: str
    name: str


class FieldSpecOut(Schema):
    code: str
    label: str
    type: str
    required: bool = False
    choices: list[str] | None = None


class SubclassOut(Schema):
    code: str
    name: str
    severity: str
    department_code: str
    register_minutes: int
    dispatch_minutes: int
    handle_minutes: int
    verify_minutes: int
    natural_time: bool
    self_handle: bool
    extra_fields: list[FieldSpecOut]


class ClassOut(Schema):
    code: str
    name: str
    subclasses: list[SubclassOut]


class DeadlineOut(Schema):
    stage: str
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None
    outcome: str = Field(
        description="How the attempt ended: on_time, overdue, returned or cancelled; empty while "
        "it runs."
    )
    paused_at: datetime | None = Field(description="Set while the event is suspended.")
    paused_minutes: int
    escalated_at: datetime | None
    calendar_warning: str | None = Field(
        description="Set when the limit falls in a year whose official holidays are not entered."
    )

    @staticmethod
    def resolve_calendar_warning(obj: Any) -> str | None:
        # A filing leaves it on its clock, from the calendar it counted the limit on ("" for none).
        loaded = getattr(obj, "calendar_warning_loaded", None)
        if loaded is not None:
            return loaded or None
        warning = calendar_warning_for(obj.due_at.date())
        return str(warning) if warning is not None else None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    at: datetime
    step: str | None
    public_approved: bool

    @staticmethod
    def resolve_step(obj: EventAttachment) -> str | None:
        return obj.transition.command if obj.transition is not None else None


class ResponseTimeOut(Schema):
    natural_minutes: float
    working_minutes: float


class EventOut(Schema):
    number: str
    category: Ref
    severity: str
    description: str
    lon: float
    lat: float
    node: Ref
    grid: Ref | None
    owner: Ref
    channel: str
    address: str
    hotline_ticket: str
    caller_name_masked: str
    caller_phone_masked: str
    source_system: str
    status: StatusValue
    status_label: str = Field(alias="get_status_display")
    master: str | None = Field(description="The event this duplicate was merged into.")
    effective_status: StatusValue = Field(
        description="The master's status for a merged duplicate, else the event's own."
    )
    is_overdue: bool = Field(description="A stage is running past its time limit (show red).")
    supervised_at: datetime | None
    version: int
    assigned_department: Ref | None
    rework_count: int
    extension_minutes: int | None
    rating: int | None
    extra: dict[str, Any]
    created_at: datetime
    stamps: dict[str, datetime | None] = Field(
        description="When the event last entered each state it has been in."
    )
    allowed_commands: list[str] = Field(
        description="The commands the caller may give now (send them with this version)."
    )

    @staticmethod
    def resolve_master(obj: Event) -> str | None:
        return obj.master.number if obj.master is not None else None

    @staticmethod
    def resolve_effective_status(obj: Event) -> str:
        return obj.master.status if obj.master is not None else obj.status

    @staticmethod
    def resolve_is_overdue(obj: Event) -> bool:
        return bool(selectors.overdue_flag(obj))

    @staticmethod
    def resolve_stamps(obj: Event) -> dict[str, datetime | None]:
        stamps = {s: getattr(obj, facts.stamp) for s, facts in STATES.items()}
        return {str(s): at for s, at in stamps.items() if at}

    @staticmethod
    def resolve_allowed_commands(obj: Event, context: dict[str, Any]) -> list[str]:
        return [str(c) for c in allowed_commands(request_user(context["request"]), obj)]


class EventDetailOut(EventOut):
    deadlines: list[DeadlineOut]
    attachments: list[AttachmentOut]
    response_time: ResponseTimeOut | None = Field(
        description="Report → first registration, in natural and in office minutes."
    )

    @staticmethod
    def resolve_deadlines(obj: Event) -> list[Any]:
        return list(selectors.event_deadlines(obj))

    @staticmethod
    def resolve_attachments(obj: Event) -> list[Any]:
        loaded = getattr(obj, "attachments_loaded", None)
        if loaded is not None:
            return list(loaded)
        return list(selectors.event_attachments(obj).select_related("transition"))

    @staticmethod
    def resolve_response_time(obj: Event) -> Any:
        return selectors.response_time(obj)


class CandidateOut(Schema):
    number: str
    status: StatusValue
    description: str
    reported_at: datetime | None
    distance_m: float


class ReportOut(EventDetailOut):
    duplicate_candidates: list[CandidateOut] = Field(
        description="Open events of the same category nearby, reported shortly before."
    )

    @staticmethod
    def resolve_duplicate_candidates(obj: Event, context: dict[str, Any]) -> list[CandidateOut]:
        return _candidates(request_user(context["request"]), obj)


def _candidates(user: "User", event: Event) -> list[CandidateOut]:
    return [
        CandidateOut(
            number=c.number,
            status=EventStatus(c.status),
            description=c.description,
            reported_at=c.reported_at,
            distance_m=round(selectors.distance_m(event.lon, event.lat, c.lon, c.lat), 1),
        )
        for c in selectors.duplicate_candidates(user, event)
    ]


class TransitionOut(Schema):
    at: datetime
    command: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    reason: str
    payload: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: EventTransition) -> str | None:
        return str(obj.actor) if obj.actor is not None else None


class EventIn(Schema):
    category: str = Field(description="A subclass code of the catalogue, e.g. 0401.")
    description: str = Field(max_length=intake.DESCRIPTION_MAX)
    lon: float
    lat: float
    crs: str = Field("wgs84", description="wgs84, cgcs2000, gcj02 or bd09.")
    channel: ChannelValue = Channel.GRID_WORKER
    extra: dict[str, Any] = Field(
        default_factory=dict, description="Values for the category's extra fields."
    )
    address: str = Field("", description="As written; the point decides the grid.")


class HotlineIn(Schema):
    ticket: str = Field(description="The 12345 hotline's ticket number.")
    caller_name: str = Field("", description="Stored masked only (张**).")
    caller_phone: str = Field("", description="Stored masked only (138****5678).")
    category: str
    description: str = Field(max_length=intake.DESCRIPTION_MAX)
    lon: float
    lat: float
    crs: str = "wgs84"
    extra: dict[str, Any] = Field(default_factory=dict)
    address: str = ""


class IntakeIn(Schema):
    source_system: str = Field(description="The sending system's name; keys are unique per system.")
    idempotency_key: str = Field(
        description="Send the same key with the same body when retrying; it is one event."
    )
    channel: ChannelValue = Channel.SENSOR
    category: str
    description: str = Field(max_length=intake.DESCRIPTION_MAX)
    lon: float
    lat: float
    crs: str = "wgs84"
    extra: dict[str, Any] = Field(default_factory=dict)
    address: str = ""


class CommandIn(Schema):
    expected_version: int = Field(description="The version of the event the caller last read.")
    note: str = ""
    reason: str = ""
    payload: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            'dispatch: {"department": code} or {"node": code}; handle: {"photos": [...]}; '
            'evaluate: {"score": 1-5}; request_extension: {"amount": n, "unit": "day" or '
            '"hour"} (working days of office hours, or working hours); '
            'merge: {"master": number}.'
        ),
    )


@router.get("/categories", response=list[ClassOut])
def category_list(request: HttpRequest) -> list[selectors.CategoryClass]:
    return selectors.category_tree()


def _report(request: HttpRequest, payload: EventIn, photos: list[UploadedFile]) -> Status[Event]:
    """Answers with the event filed even when the reporter cannot read it afterwards (a
    department's referral is seen by its department only once dispatched to it)."""
    event = intake.event_report(
        actor=request_user(request),
        category_code=payload.category,
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        crs=payload.crs,
        extra=payload.extra,
        channel=payload.channel,
        address=payload.address,
        photos=list(photos),
    )
    return Status(201, event)


@router.post("", response={201: ReportOut})
def event_report(request: HttpRequest, payload: EventIn) -> Status[Event]:
    return _report(request, payload, [])


@router.post("/with-photos", response={201: ReportOut})
def event_report_with_photos(
    request: HttpRequest,
    data: Form[str],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Event]:
    """Multipart: `data` holds the JSON of a report, `photos` the JPEG/PNG/WebP files."""
    return _report(request, json_part(EventIn, data), photos or [])


@router.post("/hotline", response={201: ReportOut})
def event_hotline(request: HttpRequest, payload: HotlineIn) -> Status[Event]:
    """A 12345 call entered by a dispatcher; the caller's details are kept masked only."""
    user = request_user(request)
    event = intake.event_hotline_report(
        actor=user,
        ticket=payload.ticket,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        category_code=payload.category,
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        crs=payload.crs,
        extra=payload.extra,
        address=payload.address,
    )
    return Status(201, selectors.event_get(user, event.number))


@router.post("/intake", response={200: ReportOut, 201: ReportOut})
def event_intake(request: HttpRequest, payload: IntakeIn) -> Status[Event]:
    """For other systems (sensor and patrol alarms, department referrals), with a bearer
    token. 201 for a new event; 200 with the same event when the key and body were seen; 409
    `idempotency_mismatch` when the key was seen with another body."""
    body = payload.model_dump(mode="json", exclude={"source_system", "idempotency_key"})
    event, created = intake.event_intake(
        actor=request_user(request),
        source_system=payload.source_system,
        idempotency_key=payload.idempotency_key,
        body=body,
        channel=payload.channel,
    )
    # Answered even when the sender cannot read events (a department sees only its dispatches).
    return Status(201 if created else 200, event)


class LevelShareOut(Schema):
    level: int
    label: str
    closed: int
    share: float


class ResponseStatsOut(Schema):
    count: int
    median_minutes: float | None
    p90_minutes: float | None
    within_five_minutes: float | None = Field(
        description="Share of events registered within five minutes of the report."
    )
    median_working_minutes: float | None
    p90_working_minutes: float | None


def _node(request: HttpRequest, code: str | None) -> Any:
    user = request_user(request)
    return node_get(user, code) if code else scope_root(user)


@router.get("/stats/closure-by-level", response=list[LevelShareOut])
def closure_by_level(
    request: HttpRequest, node: str | None = None, since: datetime | None = None
) -> list[Any]:
    """Closed events under the node (default: the caller's jurisdiction) by closing level,
    those closed since `since` when it is given."""
    return selectors.closure_by_level(request_user(request), _node(request, node), since)


@router.get("/stats/response-time", response=ResponseStatsOut)
def response_time_stats(
    request: HttpRequest, since: datetime, node: str | None = None
) -> selectors.ResponseStats:
    return selectors.response_time_stats(request_user(request), _node(request, node), since)


@router.get("", response=list[EventOut])
@paginate(CappedPageNumberPagination, page_size=50)
def event_list(
    request: HttpRequest, status: StatusValue | None = None, category: str | None = None
) -> list[Event]:
    return selectors.events_filtered(  # type: ignore[return-value]
        request_user(request), status=status or "", category=category or ""
    )


@router.get("/{number}", response=EventDetailOut)
def event_detail(request: HttpRequest, number: str) -> Event:
    return selectors.event_get(request_user(request), number)


@router.get("/{number}/timeline", response=list[TransitionOut])
def event_timeline(request: HttpRequest, number: str) -> list[EventTransition]:
    user = request_user(request)
    return list(selectors.event_timeline(user, selectors.event_get(user, number)))


@router.get("/{number}/duplicates", response=list[CandidateOut])
def event_duplicates(request: HttpRequest, number: str) -> list[CandidateOut]:
    user = request_user(request)
    return _candidates(user, selectors.event_get(user, number))


def _command(
    request: HttpRequest,
    number: str,
    command: str,
    payload: CommandIn,
    photos: list[UploadedFile],
) -> Event:
    user = request_user(request)
    return loop.event_apply(
        actor=user,
        event_id=selectors.event_get(user, number).pk,
        command=command,
        expected_version=payload.expected_version,
        note=payload.note,
        reason=payload.reason,
        payload=payload.payload,
        photos=list(photos),
    )


@router.post("/{number}/commands/{command}", response=EventDetailOut)
def event_command(request: HttpRequest, number: str, command: str, payload: CommandIn) -> Event:
    """Answers with the event as it is now, even when the step took it out of the caller's
    sight (a department that returns an event no longer sees it)."""
    return _command(request, number, command, payload, [])


@router.post("/{number}/commands/{command}/with-photos", response=EventDetailOut)
def event_command_with_photos(
    request: HttpRequest,
    number: str,
    command: str,
    data: Form[str],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Event:
    """Multipart: `data` holds the JSON of the command, `photos` the before/after photos."""
    return _command(request, number, command, json_part(CommandIn, data), photos or [])
