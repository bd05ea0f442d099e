"""Events: report, list and read within the caller's jurisdiction, and move one step at a time."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from gridgov.events import actions, selectors
from gridgov.events.models import Channel, Event, EventTransition
from gridgov.events.workflow import Status as EventStatus

if TYPE_CHECKING:
    from gridgov.accounts.models import User

router = Router(tags=["events"])


def _user(request: HttpRequest) -> "User":
    return cast("User", request.user)


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
    escalated_at: datetime | None


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
    status: EventStatus
    status_label: str = Field(alias="get_status_display")
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
    def resolve_stamps(obj: Event) -> dict[str, datetime | None]:
        return {s: getattr(obj, f"{s}_at") for s in EventStatus.values if getattr(obj, f"{s}_at")}

    @staticmethod
    def resolve_allowed_commands(obj: Event, context: dict[str, Any]) -> list[str]:
        return [str(c) for c in selectors.allowed_commands(_user(context["request"]), obj)]


class EventDetailOut(EventOut):
    deadlines: list[DeadlineOut]

    @staticmethod
    def resolve_deadlines(obj: Event) -> list[Any]:
        return list(selectors.event_deadlines(obj))


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
    description: str
    lon: float
    lat: float
    crs: str = Field("wgs84", description="wgs84, cgcs2000, gcj02 or bd09.")
    channel: Channel = Channel.GRID_WORKER
    extra: dict[str, Any] = Field(
        default_factory=dict, description="Values for the category's extra fields."
    )


class CommandIn(Schema):
    expected_version: int = Field(description="The version of the event the caller last read.")
    note: str = ""
    reason: str = ""
    payload: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            'dispatch: {"department": code} or {"node": code}; handle: {"photos": [...]}; '
            'evaluate: {"score": 1-5}; request_extension: {"minutes": n}.'
        ),
    )


@router.get("/categories", response=list[ClassOut])
def category_list(request: HttpRequest) -> list[selectors.CategoryClass]:
    return selectors.category_tree()


@router.post("", response={201: EventDetailOut})
def event_report(request: HttpRequest, payload: EventIn) -> Status[Event]:
    user = _user(request)
    event = actions.event_report(
        actor=user,
        category_code=payload.category,
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        crs=payload.crs,
        extra=payload.extra,
        channel=payload.channel,
    )
    return Status(201, selectors.event_get(user, event.number))


@router.get("", response=list[EventOut])
@paginate(PageNumberPagination, page_size=50)
def event_list(
    request: HttpRequest, status: EventStatus | None = None, category: str | None = None
) -> list[Event]:
    return selectors.events_filtered(  # type: ignore[return-value]
        _user(request), status=status or "", category=category or ""
    )


@router.get("/{number}", response=EventDetailOut)
def event_detail(request: HttpRequest, number: str) -> Event:
    return selectors.event_get(_user(request), number)


@router.get("/{number}/timeline", response=list[TransitionOut])
def event_timeline(request: HttpRequest, number: str) -> list[EventTransition]:
    user = _user(request)
    return list(selectors.event_timeline(user, selectors.event_get(user, number)))


@router.post("/{number}/commands/{command}", response=EventDetailOut)
def event_command(request: HttpRequest, number: str, command: str, payload: CommandIn) -> Event:
    """Answers with the event as it is now, even when the step took it out of the caller's
    sight (a department that returns an event no longer sees it)."""
    user = _user(request)
    return actions.event_apply(
        actor=user,
        event_id=selectors.event_get(user, number).pk,
        command=command,
        expected_version=payload.expected_version,
        note=payload.note,
        reason=payload.reason,
        payload=payload.payload,
    )
