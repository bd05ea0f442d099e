"""Filing a new event, from every channel staff and other systems report through.

Every intake checks the same facts in _file_event and files the event at
the grid its point lies in; the register clock starts at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.audit.actions import audit_record
from gridgov.core.crypto import mask_phone
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, Problem, ProblemList
from gridgov.events.actions.attachments import _store_photos
from gridgov.events.actions.clocks import _clock
from gridgov.events.actions.loop import _announce
from gridgov.events.catalogue import check_extra
from gridgov.events.categories import filing_category
from gridgov.events.models import Channel, Deadline, Event, EventCounter, EventTransition
from gridgov.events.photos import Upload, photos_checked
from gridgov.events.workflow import COMMAND_ROLES, REPORTER_ROLES, Command, Stage, Status
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import PointLocation, locate_points, scope_root
from gridgov.worktime.calendar import current_calendar
from gridgov.worktime.selectors import calendar_warning_for

ADDRESS_MAX = 200
# Every channel, staff and residents alike: a description is read by people, not stored as a file.
DESCRIPTION_MAX = 4000
TICKET_MAX = 32
CALLER_NAME_MAX = 16
SOURCE_MAX = 64
KEY_MAX = 128


def _next_number(now: datetime) -> str:
    """SJ + the local date + the day's sequence; the counter row's UPDATE serialises writers."""
    day = timezone.localdate(now)
    last = _counter_bump(day)
    if last is None:
        # The day's first event: a writer racing to create the row waits on its unique day.
        EventCounter.objects.get_or_create(day=day)
        last = _counter_bump(day)
    return f"SJ{day:%Y%m%d}{last:06d}"


def _counter_bump(day: date) -> int | None:
    """One round trip: the ORM's update() cannot return the value it set (PostgreSQL and
    SQLite 3.35+ both know RETURNING)."""
    table, last, on = (
        connection.ops.quote_name(name) for name in (EventCounter._meta.db_table, "last", "day")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {on} = %s RETURNING {last}",  # noqa: S608
            [day],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _bound(actor: User | None, within: Node | None) -> Node:
    """The node a new report's point must lie under: the reporter's jurisdiction, or for a
    resident, who has no account, the served area."""
    if actor is not None:
        return scope_root(actor)
    if within is None:
        raise ValueError("a report without an account needs the node it must lie within")
    return within


def _locate(
    within: Node, lon: float, lat: float, crs: str, problems: ProblemList
) -> PointLocation | None:
    """Where a new event lands. Only a grid has someone to register what is reported there:
    a point the city or a district covers but no grid serves would sit at a node nobody
    works, so every intake refuses it here rather than file an event that cannot move."""
    [where] = locate_points(within, [(lon, lat)], crs)
    if isinstance(where, Problem):
        problems.add(where.code, where.message, field="location")
        return None
    if where.grid is None:
        problems.add(
            "outside_service_area",
            _("No grid serves this point: choose a point inside the served area."),
            field="location",
        )
        return None
    return where


@dataclass
class _Intake:
    """What every channel says about a new event, before it is checked."""

    category_code: str
    description: str
    lon: float
    lat: float
    crs: str = "wgs84"
    extra: dict[str, Any] | None = None
    address: str = ""
    photos: list[Upload] = field(default_factory=list)


def _file_event(
    actor: User | None,
    intake: _Intake,
    channel: str,
    problems: ProblemList,
    *,
    within: Node | None = None,
    **facts: Any,
) -> Event:
    """Check the intake, adding to the channel's own problems, and file the event where the
    point lies; its register clock starts now. Nothing is written when anything is wrong.
    A resident has no account: `within` then bounds where the point may lie."""
    category = filing_category(intake.category_code)
    if category is None:
        problems.add(
            "unknown_category",
            _("Choose an active subclass of the catalogue."),
            field="category",
            item=intake.category_code,
        )
    if not intake.description.strip():
        problems.add("required", _("Describe the problem."), field="description")
    elif len(intake.description) > DESCRIPTION_MAX:
        problems.add(
            "too_long",
            _("Keep the description under %(n)d characters.") % {"n": DESCRIPTION_MAX},
            field="description",
        )
    if channel not in Channel.values:
        problems.add("unknown_channel", _("No such channel."), field="channel", item=channel)
    if len(intake.address.strip()) > ADDRESS_MAX:
        problems.add(
            "too_long",
            _("Keep the address under %(n)d characters.") % {"n": ADDRESS_MAX},
            field="address",
        )
    if category is not None:
        problems.problems += check_extra(category.extra_fields, intake.extra or {}).problems
    where = _locate(_bound(actor, within), intake.lon, intake.lat, intake.crs, problems)
    photos = photos_checked(intake.photos, problems)
    if problems or where is None or category is None:
        raise InvalidInput(_("The event cannot be reported."), problems=problems.problems)
    now = timezone.now()
    event = Event.objects.create(
        number=_next_number(now),
        category=category,
        severity=category.severity,
        description=intake.description.strip(),
        lon=where.lon,
        lat=where.lat,
        node=where.node,
        grid=where.grid,
        owner=where.grid or where.node,
        channel=channel,
        reporter=actor,
        status=Status.REPORTED,
        extra=intake.extra or {},
        address=intake.address.strip(),
        reported_at=now,
        **facts,
    )
    transition = EventTransition.objects.create(
        event=event, to_status=Status.REPORTED, command="report", actor=actor, at=now
    )
    _store_photos(event, photos, actor, now, transition)
    if not photos:
        event.attachments_loaded = []
    # A new event has no clock to restart: insert, without update_or_create's savepoints. The
    # calendar read once serves the limit and the answer's warning.
    calendar = current_calendar()
    clock = Deadline.objects.create(
        event=event, stage=Stage.REGISTER, **_clock(event, Stage.REGISTER, now, calendar)
    )
    clock.calendar_warning_loaded = str(calendar_warning_for(clock.due_at.date(), calendar) or "")
    event.deadlines_loaded = [clock]
    audit_record(
        actor=actor,
        action="events.report",
        target=event,
        detail={
            "number": event.number,
            "category": category.code,
            "channel": channel,
            "photos": len(photos),
        },
    )
    transaction.on_commit(partial(_announce, event.number, "report", Status.REPORTED))
    return event


@transaction.atomic
def event_report(
    *,
    actor: User,
    category_code: str,
    description: str,
    lon: float,
    lat: float,
    crs: str = "wgs84",
    extra: dict[str, Any] | None = None,
    channel: str = Channel.GRID_WORKER,
    address: str = "",
    photos: list[Upload] | None = None,
) -> Event:
    """A report by someone working in the loop (a grid worker, staff, a department)."""
    if actor.role not in REPORTER_ROLES:
        raise PermissionDenied(_("Your role may not report events."))
    intake = _Intake(category_code, description, lon, lat, crs, extra, address, photos or [])
    return _file_event(actor, intake, channel, ProblemList())


# The source of reports sent from the report page with a device's key.
PAGE_SOURCE = "report-page"


def event_report_once(*, actor: User, idempotency_key: str, **fields: Any) -> Event:
    """The report, filed once per key: a device that kept it through a lost signal, or whose
    answer was lost, sends it again and gets the event filed the first time.

    The key is stamped in the transaction that files the event, under the events' unique
    (source_system, idempotency_key), one source per account; a second delivery racing the
    first fails that constraint, rolls its own event back and answers with the first."""
    key = idempotency_key.strip()
    if not key:
        return event_report(actor=actor, **fields)
    source = f"{PAGE_SOURCE}:{actor.pk}"
    sent = Event.objects.unscoped().filter(source_system=source, idempotency_key=key)
    earlier = sent.first()
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            event = event_report(actor=actor, **fields)
            Event.objects.unscoped().filter(pk=event.pk).update(
                source_system=source, idempotency_key=key
            )
    except IntegrityError:
        return sent.get()
    return event


def mask_name(name: str) -> str:
    """张三丰 → 张**: the family name is enough to greet the caller back."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


@transaction.atomic
def event_hotline_report(
    *,
    actor: User,
    ticket: str,
    caller_name: str,
    caller_phone: str,
    category_code: str,
    description: str,
    lon: float,
    lat: float,
    crs: str = "wgs84",
    extra: dict[str, Any] | None = None,
    address: str = "",
    photos: list[Upload] | None = None,
) -> Event:
    """A 12345 call entered by a dispatcher. Only masked caller details are kept: the full
    ones belong in the encrypted registry, and `caller_phone_last4` finds the call again."""
    if actor.role not in COMMAND_ROLES[Command.REGISTER]:
        raise PermissionDenied(_("Only dispatchers enter hotline calls."))
    problems = ProblemList()
    ticket = ticket.strip()
    if not ticket or len(ticket) > TICKET_MAX:
        problems.add(
            "bad_ticket",
            _("Give the hotline ticket number (up to %(n)d characters).") % {"n": TICKET_MAX},
            field="ticket",
        )
    # A ticket is entered once in the whole city, whoever can see the event it made.
    elif Event.objects.unscoped().filter(channel=Channel.HOTLINE, hotline_ticket=ticket).exists():
        problems.add(
            "duplicate_ticket",
            _("Ticket %(ticket)s was entered already.") % {"ticket": ticket},
            field="ticket",
            item=ticket,
        )
    if len(caller_name.strip()) > CALLER_NAME_MAX:
        problems.add("too_long", _("The caller's name is too long."), field="caller_name")
    digits = _phone_digits(caller_phone, problems, "caller_phone")
    intake = _Intake(category_code, description, lon, lat, crs, extra, address, photos or [])
    try:
        with transaction.atomic():
            return _file_event(
                actor,
                intake,
                Channel.HOTLINE,
                problems,
                hotline_ticket=ticket,
                caller_name_masked=mask_name(caller_name),
                caller_phone_masked=mask_phone(digits) if digits else "",
                caller_phone_last4=digits[-4:],
            )
    except IntegrityError as exc:
        # Two dispatchers entered the same call at the same moment.
        raise Conflict(
            _("Ticket %(ticket)s was entered already.") % {"ticket": ticket},
            code="duplicate_ticket",
        ) from exc


def _phone_digits(phone: str, problems: ProblemList, name: str) -> str:
    """The digits of a phone number as people write it (spaces, dashes, a leading +)."""
    digits = re.sub(r"[\s-]", "", phone)
    if digits and not re.fullmatch(r"\+?[0-9]{5,15}", digits):
        problems.add("bad_phone", _("A phone number is 5 to 15 digits."), field=name)
    return digits.lstrip("+")


MACHINE_CHANNELS = frozenset({Channel.SENSOR, Channel.DEPARTMENT_REFERRAL, Channel.API})


def canonical_sha256(body: dict[str, Any]) -> str:
    """The same JSON however its keys were ordered or spaced."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def event_intake(
    *,
    actor: User,
    source_system: str,
    idempotency_key: str,
    body: dict[str, Any],
    channel: str = Channel.SENSOR,
) -> tuple[Event, bool]:
    """An event sent by another system, which retries until it hears back: the same key with
    the same body is the same event (created is False), with another body a conflict."""
    if actor.role not in REPORTER_ROLES:
        raise PermissionDenied(_("Your role may not report events."))
    problems = ProblemList()
    source_system, idempotency_key = source_system.strip(), idempotency_key.strip()
    for name, value, limit in (
        ("source_system", source_system, SOURCE_MAX),
        ("idempotency_key", idempotency_key, KEY_MAX),
    ):
        if not value or len(value) > limit:
            problems.add("required", _("Give 1 to %(n)d characters.") % {"n": limit}, field=name)
    if channel not in MACHINE_CHANNELS:
        problems.add(
            "unknown_channel",
            _("Systems send sensor alarms, department referrals or API reports."),
            field="channel",
            item=channel,
        )
    intake = _Intake(
        str(body.get("category", "")),
        str(body.get("description", "")),
        float(body.get("lon", 0)),
        float(body.get("lat", 0)),
        str(body.get("crs", "wgs84")),
        body.get("extra") or {},
        str(body.get("address", "")),
    )
    return _file_once(
        actor,
        intake,
        channel,
        problems,
        source_system=source_system,
        idempotency_key=idempotency_key,
        digest=canonical_sha256(body),
    )


def _file_once(
    actor: User | None,
    intake: _Intake,
    channel: str,
    problems: ProblemList,
    *,
    source_system: str,
    idempotency_key: str,
    digest: str,
    **facts: Any,
) -> tuple[Event, bool]:
    """File the event once per (source, key): a retry, or a delivery that lost the race to
    another with the same key, gets the event already filed (and False); the same key with
    another body is a conflict."""
    earlier = _earlier_delivery(source_system, idempotency_key, digest) if not problems else None
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            event = _file_event(
                actor,
                intake,
                channel,
                problems,
                source_system=source_system,
                idempotency_key=idempotency_key,
                body_sha256=digest,
                **facts,
            )
    except IntegrityError:
        earlier = _earlier_delivery(source_system, idempotency_key, digest)
        if earlier is None:
            raise
        return earlier, False
    return event, True


def _earlier_delivery(source_system: str, key: str, digest: str) -> Event | None:
    # A key is the source system's, wherever the event of its first delivery was placed.
    earlier = (
        Event.objects.unscoped().filter(source_system=source_system, idempotency_key=key).first()
    )
    if earlier is not None and earlier.body_sha256 != digest:
        raise Conflict(
            _("Key %(key)s was used before with another body.") % {"key": key},
            code="idempotency_mismatch",
        )
    return earlier
