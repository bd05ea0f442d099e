"""What the public may read: a resident's own report by number and secret, any report of a
public category by number, the recent ones, rounded and stripped of anything personal, and
the outlines of the districts and subdistricts to find one's way on the map.

Both the residents' pages and the Open311 API read through here, so the two
never disagree about what is public.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import shapely
from django.db.models import Prefetch, QuerySet
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.addresses.explain import explanation
from gridgov.addresses.matcher import matcher_index
from gridgov.addresses.models import Address
from gridgov.core.crypto import redact
from gridgov.core.errors import NotFound
from gridgov.core.scope import PUBLIC, Scope
from gridgov.core.versioned import VersionedCache
from gridgov.departments.models import Department
from gridgov.events.models import Event, EventAttachment, EventQuerySet, EventTransition
from gridgov.events.selectors import open_near
from gridgov.events.workflow import STATES, Command, Status
from gridgov.jurisdiction.geojson_io import feature_collection
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.spatial import boundary_version, spatial_index
from gridgov.residents.models import ReportSecret
from gridgov.staffing.models import StaffKind, StaffMember

# Three decimals of a degree: about 100 m, enough to find the street, not the door.
PUBLIC_DECIMALS = 3
MAP_DAYS = 30
MAP_LIMIT = 500


def public_state(event: Event) -> tuple[str, str]:
    """open or closed, and a sentence saying where the report is, as FixMyStreet collapses
    its states; never the staff's notes, which may name people."""
    facts = STATES[Status(event.status)]
    state, note = facts.public, str(facts.note)
    if event.status == Status.MERGED:
        note = note % {"number": event.master.number if event.master else ""}
    return state, note


# Every state's stamp but the first; the latest of them is when the request last changed.
_STEP_STAMPS = tuple(facts.stamp for status, facts in STATES.items() if status != Status.REPORTED)


def updated_at(event: Event) -> datetime:
    """The last step's time, from the stamps on the row: no timeline read per event."""
    stamps = [getattr(event, name) for name in _STEP_STAMPS]
    return max([s for s in stamps if s is not None], default=event.reported_at or event.created_at)


def public_point(event: Event) -> tuple[float, float]:
    return round(event.lon, PUBLIC_DECIMALS), round(event.lat, PUBLIC_DECIMALS)


def public_root() -> Node:
    """The node every public report must lie within: the top of the deployment's tree."""
    root = Node.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:
        raise NotFound(_("No jurisdiction is set up yet."), code="no_jurisdiction")
    return root


# The outlines are for finding one's way, not for surveying: lines within about 50 m of the true
# boundary keep a city's districts and subdistricts small enough for a phone on a slow line, and
# five decimals (about 1 m) is all such lines can mean.
OUTLINE_TOLERANCE = 0.0005
OUTLINE_DECIMALS = 5
OUTLINE_LEVELS = (Level.DISTRICT, Level.SUBDISTRICT)
SERVED_LEVEL = "served"


def _outline_build(_version: int) -> bytes:
    """The districts and subdistricts under the public root and the area its grids serve,
    simplified, as GeoJSON text: names and levels only, since anyone may read it. Encoded
    once per boundary version, as every resident's map asks for the same answer."""
    root = public_root()
    rows = list(
        Node.objects.visible_to(Scope.under(root))
        .filter(level__in=OUTLINE_LEVELS)
        .order_by("level", "code")
        .values_list("name", "level", "boundary")
    )
    geoms = shapely.from_wkb(np.array([bytes(wkb) for _n, _l, wkb in rows], dtype=object))
    grids = spatial_index().grids
    served = grids.geoms[[str(c).startswith(root.code) for c in grids.codes]]
    named = [(name, Level(level).name.lower()) for name, level, _wkb in rows]
    if len(served):
        # The area a report may come from, drawn apart from the districts around it.
        geoms = np.append(geoms, shapely.union_all(served))
        named.append((root.name, SERVED_LEVEL))
    simple = shapely.simplify(geoms, OUTLINE_TOLERANCE, preserve_topology=True)
    rounded = shapely.transform(simple, lambda xy: np.round(xy, OUTLINE_DECIMALS))
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(text),
            "properties": {"name": name, "level": level},
        }
        for (name, level), text in zip(named, shapely.to_geojson(rounded), strict=True)
    ]
    body = json.dumps(feature_collection(features), ensure_ascii=False, separators=(",", ":"))
    return body.encode()


_outline = VersionedCache(boundary_version, _outline_build)
# The outline JSON, rebuilt when the boundary version moved; one query when it did not.
public_outline = _outline.get
public_outline_reset = _outline.reset


def approved_photos() -> Prefetch[Any]:
    return Prefetch(
        "attachments",
        queryset=EventAttachment.objects.filter(public_approved=True).order_by("at", "id"),
        to_attr="public_photos",
    )


# What a public answer reads of an event: a thousand full rows, with a full copy of each one's
# master, took most of an Open311 list's time.
_PUBLIC_FIELDS = (
    "number",
    "status",
    "description",
    "lon",
    "lat",
    "created_at",
    "reported_at",
    *_STEP_STAMPS,
    "category__code",
    "category__name",
    "category__public",
    "assigned_department__name",
    "master__number",
    "rating",
    "caller_name_masked",
)


class _Redacted(ModelIterable[Event]):
    """Each event as it leaves the database gets `public_description`: its text with the
    identifiers a resident or a dispatcher typed into it masked. Every public answer is built
    from this queryset, so no page or format can print the text unmasked by forgetting to."""

    def __iter__(self) -> Iterator[Event]:
        for event in super().__iter__():
            event.public_description = redact(event.description, names=[event.caller_name_masked])
            yield event


def public_answers(events: EventQuerySet) -> EventQuerySet:
    """The events, newest first, loaded with what a public answer shows and no more."""
    answers = (
        events.select_related("category", "assigned_department", "master")
        .only(*_PUBLIC_FIELDS)
        .prefetch_related(approved_photos())
        .order_by("-created_at", "-id")
    )
    answers._iterable_class = _Redacted
    return answers


def public_photo(attachment_id: int) -> EventAttachment | None:
    """A photo staff approved, of an event in a public category; no other is public."""
    return EventAttachment.objects.filter(
        pk=attachment_id, public_approved=True, event__category__public=True
    ).first()


def events_public() -> EventQuerySet:
    """Events of public categories, as a public answer shows them."""
    return public_answers(Event.objects.visible_to(PUBLIC))


def recent_public(*, days: int = MAP_DAYS, limit: int = MAP_LIMIT) -> list[Event]:
    since = timezone.now() - timedelta(days=days)
    return list(events_public().filter(created_at__gte=since)[:limit])


def public_nearby(*, category: str, lon: float, lat: float) -> list[Event]:
    """Open reports of a public category near the point a resident chose, for the report form
    to ask "is it one of these?" before sending. Measured from the rounded points the map shows,
    so moving the pin about tells no more than the map does."""
    return open_near(
        events_public(),
        category_code=category,
        lon=lon,
        lat=lat,
        at=timezone.now(),
        point=public_point,
    )


def _by_number(number: str) -> QuerySet[Event]:
    """Any category: its callers let only the reporter's secret through to it."""
    return public_answers(Event.objects.unscoped().filter(number=number.strip().upper()))


def resident_event(number: str, secret: str) -> Event:
    """A resident's own report, by its number and the secret its reporter received when
    filing. A wrong number and a wrong secret answer alike, so neither can be probed."""
    event = None
    if secret.strip():
        digest = ReportSecret.digest_of(secret)
        event = _by_number(number).filter(resident_secret__digest=digest).first()
    if event is None:
        raise NotFound(_("No report matches this number and code."), code="report_not_found")
    return event


def public_report(number: str) -> Event:
    """A report by its number alone, as the map and Open311 show it: of a public category only,
    since the numbers are sequential and anyone can try them."""
    event = _by_number(number).filter(category__public=True).first()
    if event is None:
        raise NotFound(_("No public report has this number."), code="report_not_found")
    return event


def address_reading(text: str) -> str:
    """How the matcher read an address it could not place, for the resident to correct it."""
    return explanation(matcher_index().match(text.strip()))


def address_point(root: Node, *, text: str = "", code: str = "") -> tuple[float, float] | None:
    """The point of a standard address inside `root`, by its code or by its written form
    when the address library matches it with confidence."""
    if not code and text.strip():
        match = matcher_index().match_many([text.strip()])[0]
        if match.status != "matched":
            return None
        code = match.code
    if not code:
        return None
    found = (
        Address.objects.visible_to(Scope.under(root))
        .filter(code=code)
        .values_list("lon", "lat")
        .first()
    )
    return (float(found[0]), float(found[1])) if found else None


# The steps a resident's timeline shows, in FixMyStreet's manner: what happened, never who on
# the staff did it or why they moved it inside the loop (escalations, supervision, extensions
# and returns between departments are the staff's business).
_PUBLIC_STEPS: dict[str, Promise] = {
    Command.REGISTER: _("Registered as a case."),
    Command.REJECT: _("Not taken up as a case."),
    Command.DISPATCH: _("Assigned to %(department)s."),
    Command.ACCEPT: _("Taken up by %(department)s."),
    Command.SELF_HANDLE: _("Solved by the grid worker."),
    Command.HANDLE: _("%(department)s reported the work done."),
    Command.VERIFY: _("Checked on site."),
    Command.REWORK: _("Found not yet solved on site; sent back for more work."),
    Command.CLOSE: _("Closed."),
    Command.EVALUATE: _("Rated."),
    Command.SUSPEND: _("Put on hold."),
    Command.RESUME: _("Taken up again."),
    Command.CANCEL: _("Withdrawn."),
    Command.REOPEN: _("Opened again after a complaint."),
    Command.MERGE: _("A duplicate of %(number)s, which is followed instead."),
}
# Where a step's note is the handling side's answer to the resident: published, masked.
_REPLY_COMMANDS = (Command.HANDLE, Command.SELF_HANDLE)


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    text: str
    reply: str = ""
    photos: tuple[int, ...] = ()


def public_timeline(event: Event) -> list[PublicStep]:
    """The report's steps as the public reads them, oldest first: the report, each state it
    reached, the department's reply (its handling note, masked as every public text is) and
    the after-photos staff approved. `event` comes from resident_event or public_report."""
    steps = list(
        EventTransition.objects.filter(event_id=event.pk, command__in=list(_PUBLIC_STEPS))
        .select_related("event__assigned_department", "event__master")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=EventAttachment.objects.filter(public_approved=True).order_by("id"),
                to_attr="public_photos",
            )
        )
        .order_by("at", "id")
    )
    departments = dict(
        Department.objects.filter(
            code__in={str(s.payload["department"]) for s in steps if "department" in s.payload}
        ).values_list("code", "name")
    )
    fallback = event.assigned_department.name if event.assigned_department else ""
    shown = [PublicStep(at=event.reported_at or event.created_at, text=str(_("Report received.")))]
    for step in steps:
        department = departments.get(str(step.payload.get("department", "")), fallback)
        words = {
            "department": department or str(_("the department")),
            "number": event.master.number if event.master else "",
        }
        reply = ""
        if step.command in _REPLY_COMMANDS and step.note:
            reply = redact(step.note, names=[event.caller_name_masked])
        shown.append(
            PublicStep(
                at=step.at,
                text=str(_PUBLIC_STEPS[step.command]) % words,
                reply=reply,
                photos=tuple(p.pk for p in getattr(step, "public_photos", [])),
            )
        )
    return shown


@dataclass(frozen=True)
class AddressSuggestion:
    code: str
    label: str
    lon: float
    lat: float


SUGGESTIONS = 6


def address_suggestions(root: Node, text: str) -> list[AddressSuggestion]:
    """Standard addresses inside `root` that a typed address may mean, with their points: the
    match when the library is sure, else its best candidates. Addresses only, never who
    lives there."""
    match = matcher_index().match(text.strip())
    ranked = [(match.code, match.label)] if match.status == "matched" else []
    ranked += [(c.code, c.label) for c in match.candidates]
    codes = [code for code, _label in ranked][:SUGGESTIONS]
    points = {
        code: (lon, lat)
        for code, lon, lat in Address.objects.visible_to(Scope.under(root))
        .filter(code__in=codes)
        .values_list("code", "lon", "lat")
    }
    seen: set[str] = set()
    found = []
    for code, label in ranked:
        if code in points and code not in seen:
            seen.add(code)
            found.append(
                AddressSuggestion(code, label, float(points[code][0]), float(points[code][1]))
            )
    return found[:SUGGESTIONS]


@dataclass(frozen=True)
class PostedWorker:
    """What the 上岗公示 board shows of a grid's staff: a name, a duty, a duty phone."""

    name: str
    duty: str
    work_phone: str


@dataclass(frozen=True)
class GridWorkers:
    address: str
    grid: str
    community: str
    workers: list[PostedWorker]


# The staff a resident may call about their grid, in the order the board lists them.
POSTED_KINDS = (StaffKind.GRID_LEADER, StaffKind.FULL_TIME, StaffKind.LEGAL_AFFAIRS)


def grid_workers(root: Node, *, code: str = "", text: str = "") -> GridWorkers | None:
    """The grid of a standard address (by its code, or by text the library matches with
    confidence) and its posted staff; None when the address is not known inside `root`."""
    if not code and text.strip():
        match = matcher_index().match(text.strip())
        code = match.code if match.status == "matched" else ""
    address = (
        Address.objects.visible_to(Scope.under(root))
        .filter(code=code)
        .select_related("road", "grid__parent")
        .first()
        if code
        else None
    )
    if address is None:
        return None
    grid = address.grid
    rank = {str(kind): i for i, kind in enumerate(POSTED_KINDS)}
    staff = sorted(
        StaffMember.objects.filter(assignments__grid=grid, active=True, kind__in=POSTED_KINDS).only(
            "name", "kind", "work_phone"
        ),
        key=lambda s: (rank[s.kind], s.name),
    )
    return GridWorkers(
        address=address.label,
        grid=grid.name,
        community=grid.parent.name if grid.parent else "",
        workers=[PostedWorker(s.name, s.get_kind_display(), s.work_phone) for s in staff],
    )
