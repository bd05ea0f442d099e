"""Every read of events, scoped: a node's staff see events located in their tree, a
department's handlers see the events dispatched to their department."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope
from gridgov.departments.models import Department
from gridgov.events.models import (
    CLOCK_TICKING,
    Category,
    Deadline,
    Event,
    EventAttachment,
    EventComment,
    EventQuerySet,
    EventTransition,
    ReplyTemplate,
    SavedFilter,
)
from gridgov.events.workflow import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Command,
)
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.worktime.calendar import current_calendar

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def events_visible(user: User) -> EventQuerySet:
    """Annotated with `is_overdue` (a stage still running past its limit), to show red.

    A department also sees the events whose open whistle summoned it, to report in and do its
    part, without taking over the loop (which stays with the department dispatched to)."""
    overdue = Deadline.objects.filter(
        CLOCK_TICKING, event=OuterRef("pk"), due_at__lt=timezone.now()
    )
    return (
        Event.objects.visible_to(scope_of(user))
        .select_related("category", "node", "grid", "owner", "assigned_department", "master")
        .annotate(is_overdue=Exists(overdue))
    )


def overdue_flag(event: Event) -> bool:
    """The `is_overdue` annotation, or the same question asked for an event loaded without it
    (the one an action returns)."""
    annotated = getattr(event, "is_overdue", None)
    if annotated is not None:
        return bool(annotated)
    loaded = getattr(event, "deadlines_loaded", None)
    if loaded is not None:
        now = timezone.now()
        return any(d.ended_at is None and d.paused_at is None and d.due_at < now for d in loaded)
    return Deadline.objects.filter(CLOCK_TICKING, event=event, due_at__lt=timezone.now()).exists()


def events_filtered(user: User, *, status: str = "", category: str = "") -> EventQuerySet:
    """The visible events, optionally in one status and under one class or subclass code."""
    events = events_visible(user)
    if status:
        events = events.filter(status=status)
    if category:
        events = events.filter(category__code__startswith=category)
    return events


def event_get(user: User, number: str) -> Event:
    event = events_visible(user).filter(number=number).first()
    if event is None:
        raise NotFound(_("No such event: %(number)s") % {"number": number}, code="event_not_found")
    return event


def event_timeline(user: User, event: Event) -> QuerySet[EventTransition]:
    """The event's steps, oldest first; the event must have come through event_get."""
    return EventTransition.objects.filter(event=event).select_related("actor").order_by("at", "id")


def event_comments(event: Event) -> QuerySet[EventComment]:
    """Internal comments, oldest first; the event must have come through event_get."""
    return (
        EventComment.objects.filter(event=event)
        .select_related("author")
        .prefetch_related("mentions")
        .order_by("at", "id")
    )


def reply_templates(category: Category) -> QuerySet[ReplyTemplate]:
    """The category's sentences, its parent's, then those for every category."""
    codes = [category.pk, *([category.parent_id] if category.parent_id else [])]
    return ReplyTemplate.objects.filter(
        Q(category_id__in=codes) | Q(category__isnull=True), active=True
    ).order_by(F("category_id").desc(nulls_last=True), "title")


def saved_filters(user: User) -> QuerySet[SavedFilter]:
    """A person's own filters; nobody else's are ever read."""
    return SavedFilter.objects.filter(owner=user).order_by("name")


def event_deadlines(event: Event) -> list[Deadline]:
    """Oldest first; not read again when the action that wrote them left them on the event."""
    loaded = getattr(event, "deadlines_loaded", None)
    if loaded is not None:
        return sorted(loaded, key=lambda d: (d.started_at, d.pk))
    return list(Deadline.objects.filter(event=event).order_by("started_at", "id"))


@dataclass(frozen=True)
class CategoryClass:
    code: str
    name: str
    subclasses: list[Category]


def category_tree() -> list[CategoryClass]:
    """The active catalogue, classes with their subclasses; it is the same for every
    jurisdiction, so it needs no scope."""
    rows = list(Category.objects.filter(active=True).order_by("code"))
    classes = [CategoryClass(c.code, c.name, []) for c in rows if not c.is_subclass]
    by_code = {c.code: c for c in classes}
    for row in rows:
        if row.is_subclass and row.code[:2] in by_code:
            by_code[row.code[:2]].subclasses.append(row)
    return classes


def event_attachments(event: Event) -> QuerySet[EventAttachment]:
    """The photos of an event that came through event_get."""
    return EventAttachment.objects.filter(event=event).order_by("at", "id")


def attachment_get(user: User, event_number: str, attachment_id: int) -> EventAttachment:
    """One photo, for a view that serves its file; outside the user's sight it does not exist."""
    event = event_get(user, event_number)
    attachment = EventAttachment.objects.filter(event=event, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such attachment."), code="attachment_not_found")
    return attachment


EARTH_RADIUS_M = 6_371_000.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance; at a hundred metres the haversine is exact enough."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def duplicate_candidates(user: User, event: Event) -> list[Event]:
    """Open events of the same category reported near the event shortly before it, nearest
    first: the dispatcher decides whether to merge."""
    return nearby_open(
        user,
        category_code=event.category.code,
        lon=event.lon,
        lat=event.lat,
        at=event.reported_at or event.created_at,
        exclude=event.pk,
    )


def nearby_open(
    user: User,
    *,
    category_code: str,
    lon: float,
    lat: float,
    at: datetime,
    exclude: int | None = None,
) -> list[Event]:
    """Open events of a category reported near a point shortly before `at`, nearest first:
    the duplicates of an event, or of a report about to be made. Loads only what a candidate
    shows: its number, status, description, report time and place."""
    events = (
        events_visible(user)
        .select_related(None)
        .only("number", "status", "description", "reported_at", "lon", "lat")
    )
    if exclude is not None:
        events = events.exclude(pk=exclude)
    return open_near(events, category_code=category_code, lon=lon, lat=lat, at=at)


# How far a shown point may lie from the stored one: the residents measure from the rounded
# point they may see, so the search box is widened by a rounding step to miss none of those.
POINT_SLACK_DEGREES = 0.001


def open_near(
    events: QuerySet[Event],
    *,
    category_code: str,
    lon: float,
    lat: float,
    at: datetime,
    point: Callable[[Event], tuple[float, float]] = lambda e: (e.lon, e.lat),
) -> list[Event]:
    """Of `events`, the open ones of a category within EVENT_DUPLICATE_RADIUS_M (100 m) of a
    point by `point`, reported in the EVENT_DUPLICATE_HOURS (72 h) before `at`, nearest
    first: one rule for the staff's duplicates and the residents' "already reported"."""
    radius = float(getattr(settings, "EVENT_DUPLICATE_RADIUS_M", 100))
    hours = float(getattr(settings, "EVENT_DUPLICATE_HOURS", 72))
    dlat = math.degrees(radius / EARTH_RADIUS_M) + POINT_SLACK_DEGREES
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    nearby = events.filter(
        category__code=category_code,
        status__in=OPEN_STATUSES,
        reported_at__gte=at - timedelta(hours=hours),
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    )
    scored = [(distance_m(lon, lat, *point(e)), e) for e in nearby]
    return [e for d, e in sorted(scored, key=lambda pair: pair[0]) if d <= radius]


@dataclass(frozen=True)
class LevelShare:
    level: int
    label: str
    closed: int
    share: float


def closure_by_level(user: User, node: Node, since: datetime | None = None) -> list[LevelShare]:
    """Closed events under the node (closed since `since`, when given) by the level that owned
    them when they closed (the owner does not change after closing), for
    "小事不出网格、大事不出社区、难事不出街道"."""
    closed = events_visible(user).visible_to(Scope.under(node)).filter(status__in=CLOSED_STATUSES)
    if since is not None:
        closed = closed.filter(closed_at__gte=since)
    rows = dict(
        closed.order_by()
        .values_list("owner__level")
        .annotate(n=Count("id"))
        .values_list("owner__level", "n")
    )
    total = sum(rows.values())
    return [
        LevelShare(
            level=level,
            label=str(Level(level).label),
            closed=rows.get(level, 0),
            share=rows.get(level, 0) / total if total else 0.0,
        )
        for level in (Level.GRID, Level.COMMUNITY, Level.SUBDISTRICT, Level.DISTRICT, Level.CITY)
    ]


FIVE_MINUTES = 5.0


@dataclass(frozen=True)
class ResponseTime:
    natural_minutes: float
    working_minutes: float


# The first registration answers the report; a reopened case is registered again later.
_FIRST_REGISTERED = Min("transitions__at", filter=Q(transitions__command=Command.REGISTER))


def response_time(event: Event) -> ResponseTime | None:
    """Report → first registration, in natural and in office minutes; None until registered."""
    if event.reported_at is None or event.registered_at is None:
        # Every register step stamps registered_at: an event without it was never registered.
        return None
    registered = EventTransition.objects.filter(event=event, command=Command.REGISTER).aggregate(
        first=Min("at")
    )["first"]
    if event.reported_at is None or registered is None:
        return None
    natural = (registered - event.reported_at).total_seconds() / 60
    working = current_calendar().working_minutes_between(event.reported_at, registered)
    return ResponseTime(natural_minutes=natural, working_minutes=working)


@dataclass(frozen=True)
class ResponseStats:
    count: int
    median_minutes: float | None
    p90_minutes: float | None
    within_five_minutes: float | None
    median_working_minutes: float | None
    p90_working_minutes: float | None


def _p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile: a time that 90 % of the answers did not exceed."""
    return values[max(math.ceil(0.9 * len(values)) - 1, 0)]


def response_time_stats(user: User, node: Node, since: datetime) -> ResponseStats:
    """ "问题响应五分钟": how fast events reported since `since` under the node were registered,
    in natural minutes (the promise is made to the resident, who does not keep office hours)."""
    pairs = (
        events_visible(user)
        .visible_to(Scope.under(node))
        .filter(reported_at__gte=since)
        .order_by()
        .annotate(first_registered=_FIRST_REGISTERED)
        .filter(first_registered__isnull=False)
        .values_list("reported_at", "first_registered")
    )
    moments = [(start, done) for start, done in pairs if start is not None]
    if not moments:
        return ResponseStats(0, None, None, None, None, None)
    minutes = sorted((done - start).total_seconds() / 60 for start, done in moments)
    calendar = current_calendar()
    working = sorted(calendar.working_minutes_between(a, b) for a, b in moments)
    return ResponseStats(
        count=len(minutes),
        median_minutes=statistics.median(minutes),
        p90_minutes=_p90(minutes),
        within_five_minutes=sum(m <= FIVE_MINUTES for m in minutes) / len(minutes),
        median_working_minutes=statistics.median(working),
        p90_working_minutes=_p90(working),
    )


def payload_names(
    payloads: list[dict[str, Any]], node_keys: tuple[str, ...], department_key: str
) -> dict[tuple[str, str], str]:
    """The names behind the codes a timeline's payloads hold, in two queries: a reader knows
    the 城管局, not 320104-urban. Keyed by ("node" | "department", code)."""
    nodes = {str(p[k]) for p in payloads for k in node_keys if k in p}
    departments = {str(p[department_key]) for p in payloads if department_key in p}
    names = {
        ("node", code): name
        for code, name in Node.objects.filter(code__in=nodes).values_list("code", "name")
    }
    names.update(
        (("department", code), name)
        for code, name in Department.objects.filter(code__in=departments).values_list(
            "code", "name"
        )
    )
    return names


# A map draws at most this many markers or heat points: a district's open events (~5,000) and a
# year of its reports fit; a whole city's year is summed up by the heat of its first points.
MAP_MARKER_LIMIT = 20_000
MAP_HEAT_LIMIT = 100_000
# A heat layer sums the last month unless asked otherwise, and a year (with a leap day) at most.
HEAT_DEFAULT_DAYS = 30
HEAT_MAX_DAYS = 366


def events_on_map(
    user: User, node: Node, *, status: str = "", category: str = ""
) -> list[Mapping[str, Any]]:
    """The visible events under `node` that a map marks: the open ones, or those in one state,
    as rows of their point, number, state, overdue flag and category name, and nothing else
    (rows, not instances: a district's five thousand cost a third of the time)."""
    events = events_filtered(user, status=status, category=category).visible_to(Scope.under(node))
    if not status:
        events = events.filter(status__in=OPEN_STATUSES)
    rows = events.select_related(None).order_by()
    return list(
        rows.values("number", "lon", "lat", "status", "category__name", overdue=F("is_overdue"))[
            :MAP_MARKER_LIMIT
        ]
    )


def heat_points(
    user: User, node: Node, *, since: datetime, until: datetime, category: str = ""
) -> list[tuple[float, float]]:
    """(lat, lon) of the visible events under `node` reported in [since, until), whatever their
    state: where the work came from over a period."""
    events = (
        events_filtered(user, category=category)
        .visible_to(Scope.under(node))
        .filter(created_at__gte=since, created_at__lt=until)
    )
    rows = events.select_related(None).order_by().values_list("lat", "lon")
    return list(rows[:MAP_HEAT_LIMIT])
