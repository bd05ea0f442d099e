"""Every write to the catalogue and to events.

event_apply is the only code that changes an event's status. It locks the
row, checks scope, role, the transition table and the version the caller
saw, then bumps the version with a conditional UPDATE, so two writers that
saw the same version cannot both succeed even where row locks do nothing
(SQLite).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    ProblemList,
)
from gridgov.departments.models import Department
from gridgov.events import notices
from gridgov.events.catalogue import check_extra, parse_catalogue
from gridgov.events.models import (
    Category,
    Channel,
    Deadline,
    Event,
    EventAttachment,
    EventCounter,
    EventTransition,
)
from gridgov.events.photos import (
    MAX_PHOTOS,
    PENDING_DIR,
    Photo,
    Upload,
    kept_entries,
    kept_sign,
    photos_checked,
)
from gridgov.events.selectors import (
    command_permitted,
    commands_open,
    dispatch_departments,
    events_visible,
    may_escalate,
)
from gridgov.events.workflow import (
    COMMAND_ROLES,
    OPEN_STATUSES,
    REPORTER_ROLES,
    STAGE_OF_STATUS,
    TRANSITIONS,
    UNJUDGED_ENDS,
    Command,
    Outcome,
    Stage,
    Status,
)
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import PointLocation, locate_points, nodes_visible, scope_root
from gridgov.jurisdiction.spatial import nearest_grid
from gridgov.worktime.calendar import current_calendar, deadline, working_minutes_between

logger = logging.getLogger(__name__)

ADDRESS_MAX = 200
# Every channel, staff and residents alike: a description is read by people, not stored as a file.
DESCRIPTION_MAX = 4000
TICKET_MAX = 32
CALLER_NAME_MAX = 16
SOURCE_MAX = 64
KEY_MAX = 128


@dataclass
class CatalogueResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unresolved_departments: list[str] = field(default_factory=list)


_CATEGORY_FIELDS = (
    "name",
    "parent_id",
    "department_code",
    "department_id",
    "severity",
    "register_minutes",
    "dispatch_minutes",
    "handle_minutes",
    "verify_minutes",
    "natural_time",
    "self_handle",
    "extra_fields",
    "active",
    "public",
)


@transaction.atomic
def catalogue_load(*, actor: User | None, data: Any) -> CatalogueResult:
    """Make the stored catalogue equal the file; categories left out are deactivated, not
    deleted, because old events keep pointing at them. Loading the same file twice
    changes nothing."""
    if actor is not None and not (actor.role == Role.SYSTEM_ADMIN or actor.is_trusted_superuser):
        raise PermissionDenied(_("Only a system administrator may load the catalogue."))
    specs = parse_catalogue(data)
    result = CatalogueResult()
    existing = Category.objects.in_bulk([s.code for s in specs], field_name="code")
    wanted = {s.department_code for s in specs if s.department_code}
    departments = Department.objects.in_bulk(wanted, field_name="code")
    ids: dict[str, int] = {}
    for spec in specs:
        department = departments.get(spec.department_code)
        values: dict[str, Any] = {
            "name": spec.name,
            "parent_id": ids.get(spec.parent_code),
            "department_code": spec.department_code,
            "department_id": department.pk if department else None,
            "severity": spec.severity,
            **{f"{stage}_minutes": spec.limits.get(stage, 0) for stage in Stage.values},
            "natural_time": spec.natural_time,
            "self_handle": spec.self_handle,
            "extra_fields": spec.extra_fields,
            "active": True,
            "public": spec.public,
        }
        row = existing.get(spec.code)
        if row is None:
            row = Category.objects.create(code=spec.code, **values)
            result.created.append(spec.code)
        elif all(getattr(row, name) == values[name] for name in _CATEGORY_FIELDS):
            result.unchanged.append(spec.code)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            result.updated.append(spec.code)
        ids[spec.code] = row.pk
    stale = Category.objects.exclude(code__in=ids).filter(active=True)
    result.deactivated = sorted(stale.values_list("code", flat=True))
    stale.update(active=False)
    result.unresolved_departments = sorted(wanted - departments.keys())
    audit_record(
        actor=actor,
        action="events.catalogue_load",
        target_type="events.category",
        detail={
            "created": len(result.created),
            "updated": len(result.updated),
            "deactivated": result.deactivated,
        },
    )
    return result


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


def _clock(event: Event, stage: Stage, now: datetime) -> dict[str, Any]:
    """In UTC, as the database gives it back: the filing's answer shows these without reading."""
    category = event.category
    due = deadline(now, category.limit_minutes(stage), natural=category.natural_time)
    return {"started_at": now, "due_at": due.astimezone(UTC), "ended_at": None}


def _start_clock(event: Event, stage: Stage, now: datetime) -> None:
    """A new attempt at the stage; one escalated before stays escalated (ADR 0006)."""
    escalated = (
        Deadline.objects.filter(event=event, stage=stage, escalated_at__isnull=False)
        .values_list("escalated_at", flat=True)
        .first()
    )
    Deadline.objects.create(
        event=event, stage=stage, escalated_at=escalated, **_clock(event, stage, now)
    )


def _paused_minutes(event: Event, since: datetime, now: datetime) -> int:
    if event.category.natural_time:
        return round((now - since) / timedelta(minutes=1))
    return round(working_minutes_between(since, now))


def _resume_clock(event: Event, attempt: Deadline, paused_at: datetime, now: datetime) -> None:
    """The paused span moves the due time by as much of the category's time as it lasted."""
    minutes = _paused_minutes(event, paused_at, now)
    attempt.due_at = deadline(attempt.due_at, minutes, natural=event.category.natural_time)
    attempt.paused_minutes += minutes
    attempt.paused_at = None
    attempt.save(update_fields=["due_at", "paused_minutes", "paused_at"])


def _move_clocks(event: Event, cmd: Command, before: Status, after: Status, now: datetime) -> None:
    """End the running attempt when the event leaves its stage and start one for the stage
    entered; suspension pauses the running attempt instead. Only the running attempt is
    written: finished ones are history."""
    if before == after:
        return
    running = Deadline.objects.filter(event=event, ended_at__isnull=True).first()
    if after == Status.SUSPENDED:
        if running is not None:
            Deadline.objects.filter(pk=running.pk).update(paused_at=now)
        return
    if running is not None and running.paused_at is not None:
        _resume_clock(event, running, running.paused_at, now)
    stage = STAGE_OF_STATUS.get(after)
    if running is not None and running.stage == stage:
        return
    if running is not None:
        outcome = UNJUDGED_ENDS.get(cmd) or (
            Outcome.ON_TIME if now <= running.due_at else Outcome.OVERDUE
        )
        Deadline.objects.filter(pk=running.pk).update(ended_at=now, outcome=outcome)
    if stage is not None:
        _start_clock(event, stage, now)


def _announce(number: str, command: str, status: str) -> None:
    logger.info("event %s: %s → %s", number, command, status)


def _placer(actor: User | None, within: Node | None) -> User:
    """Whose jurisdiction bounds the point: the reporter's, or for a resident a stand-in
    account placed on `within` that is never saved (as export_geojson reads everything)."""
    if actor is not None:
        return actor
    if within is None:
        raise ValueError("a report without an account needs the node it must lie within")
    return User(username="resident", node=within)


def _locate(
    actor: User, lon: float, lat: float, crs: str, problems: ProblemList
) -> PointLocation | None:
    """Where a new event lands. Only a grid has someone to register what is reported there:
    a point the city or a district covers but no grid serves would sit at a node nobody
    works, so every intake refuses it here rather than file an event that cannot move."""
    [where] = locate_points(actor, [(lon, lat)], crs)
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


def _store_photos(
    event: Event,
    photos: list[Photo],
    actor: User | None,
    now: datetime,
    transition: EventTransition | None = None,
) -> None:
    for photo in photos:
        attachment = EventAttachment(
            event=event,
            transition=transition,
            name=photo.name,
            content_type=photo.content_type,
            size=len(photo.content),
            sha256=photo.sha256,
            uploaded_by=actor,
            at=now,
        )
        attachment.file.save(
            f"{photo.sha256[:20]}.{photo.extension}", ContentFile(photo.content), save=False
        )
        attachment.save()


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
    category = (
        Category.objects.filter(code=intake.category_code, active=True).exclude(parent=None).first()
    )
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
    where = _locate(_placer(actor, within), intake.lon, intake.lat, intake.crs, problems)
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
    # A new event has no clock to restart: insert, without update_or_create's savepoints.
    clock = Deadline.objects.create(
        event=event, stage=Stage.REGISTER, **_clock(event, Stage.REGISTER, now)
    )
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


def mask_name(name: str) -> str:
    """张三丰 → 张**: the family name is enough to greet the caller back."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_phone(digits: str) -> str:
    """13812345678 → 138****5678; shorter numbers keep only their last four digits."""
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * (len(digits) - 4) + digits[-4:]


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
    elif Event.objects.filter(channel=Channel.HOTLINE, hotline_ticket=ticket).exists():
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
    earlier = Event.objects.filter(source_system=source_system, idempotency_key=key).first()
    if earlier is not None and earlier.body_sha256 != digest:
        raise Conflict(
            _("Key %(key)s was used before with another body.") % {"key": key},
            code="idempotency_mismatch",
        )
    return earlier


@dataclass
class _Step:
    """What a command changes besides status, stamp and version."""

    actor: User
    event: Event
    payload: dict[str, Any]
    problems: ProblemList = field(default_factory=ProblemList)
    updates: dict[str, Any] = field(default_factory=dict)
    extend_by: int | None = None


REASON_REQUIRED = frozenset(
    {
        Command.REJECT,
        Command.RETURN,
        Command.REWORK,
        Command.REQUEST_EXTENSION,
        Command.REJECT_EXTENSION,
        Command.SUSPEND,
        Command.CANCEL,
        Command.REOPEN,
        Command.ESCALATE,
        Command.SUPERVISE,
    }
)
NOTE_REQUIRED = frozenset({Command.HANDLE, Command.SELF_HANDLE})


def _register(step: _Step) -> None:
    step.updates["owner"] = scope_root(step.actor)


def _dispatch(step: _Step) -> None:
    department_code, node_code = step.payload.get("department"), step.payload.get("node")
    if department_code and node_code:
        step.problems.add(
            "two_targets", _("Dispatch to a department or to a level, not both."), field="payload"
        )
        return
    if node_code:
        node = nodes_visible(step.actor).filter(code=str(node_code)).first()
        if node is None or not step.event.node.code.startswith(node.code):
            step.problems.add(
                "bad_node",
                _("Dispatch to a level of your jurisdiction that holds the event."),
                field="payload.node",
                item=str(node_code),
            )
            return
        step.updates.update(owner=node, assigned_department=None)
        return
    targets = dispatch_departments(step.actor, step.event)
    department = (
        targets.filter(code=str(department_code)).first()
        if department_code
        else _default_department(step.event, targets)
    )
    if department is None:
        step.problems.add(
            "bad_department",
            _("Name a department serving the event's place or your jurisdiction."),
            field="payload.department",
            item=str(department_code or ""),
        )
        return
    step.updates.update(owner=scope_root(step.actor), assigned_department=department)


def _default_department(event: Event, targets: QuerySet[Department]) -> Department | None:
    """The category's department when it may be reached, else the nearest one serving the
    event's place whose code ends in the category's department code (each district has its
    own bureau: 320104-urban)."""
    category = event.category
    named = targets.filter(pk=category.department_id).first() if category.department_id else None
    if named is not None or not category.department_code:
        return named
    place = [*event.node.ancestor_codes(), event.node.code]
    return (
        targets.filter(
            node__code__in=place, code__in=[f"{c}-{category.department_code}" for c in place]
        )
        .order_by("-node__level")
        .first()
    )


def _return(step: _Step) -> None:
    step.updates["assigned_department"] = None


def _rework(step: _Step) -> None:
    step.updates["rework_count"] = F("rework_count") + 1


def _photos(step: _Step) -> None:
    photos = step.payload.get("photos", [])
    if not isinstance(photos, list) or not all(isinstance(p, str) for p in photos):
        step.problems.add(
            "bad_photos", _("Photos are a list of references."), field="payload.photos"
        )


def _score_fits(score: Any, problems: ProblemList, field: str) -> bool:
    """A rating is a whole number from 1 to 5 (True is no score, though Python counts it 1)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        problems.add("bad_score", _("The score is 1 to 5."), field=field)
        return False
    return True


def _evaluate(step: _Step) -> None:
    score = step.payload.get("score")
    if _score_fits(score, step.problems, "payload.score"):
        step.updates["rating"] = score


# The longest extension one request may ask for, per unit.
EXTENSION_LIMITS = {"day": 30, "hour": 240}


def extension_minutes(category: Category, amount: int, unit: str) -> int:
    """The category's minutes an extension of `amount` working days or hours adds: a working
    day is one day of office hours (or 24 hours where the category counts natural time), so
    "two days" moves a deadline two working days on, not 2880 office minutes (six days)."""
    if unit == "hour":
        return amount * 60
    if category.natural_time:
        return amount * 24 * 60
    day = date.min
    periods = current_calendar().hours.periods
    office = sum(
        (datetime.combine(day, end) - datetime.combine(day, start) for start, end in periods),
        timedelta(0),
    )
    return amount * round(office / timedelta(minutes=1))


def extension_checked(payload: dict[str, Any], problems: ProblemList) -> tuple[int, str] | None:
    """A number of working days or hours, within what one request may ask."""
    amount, unit = payload.get("amount"), payload.get("unit")
    if unit not in EXTENSION_LIMITS:
        problems.add(
            "bad_unit",
            _("Ask in working days or working hours."),
            field="payload.unit",
            item=str(unit),
        )
        return None
    limit = EXTENSION_LIMITS[str(unit)]
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= limit:
        problems.add(
            "bad_amount",
            _("Ask for 1 to %(n)d of the unit.") % {"n": limit},
            field="payload.amount",
        )
        return None
    return amount, str(unit)


def _request_extension(step: _Step) -> None:
    asked = extension_checked(step.payload, step.problems)
    if asked is not None:
        step.updates["extension_minutes"] = extension_minutes(step.event.category, *asked)


def _approve_extension(step: _Step) -> None:
    step.extend_by = step.event.extension_minutes
    step.updates["extension_minutes"] = None


def _reject_extension(step: _Step) -> None:
    step.updates["extension_minutes"] = None


def _merge(step: _Step) -> None:
    number = str(step.payload.get("master", ""))
    master = events_visible(step.actor).filter(number=number).first()
    if master is None or master.pk == step.event.pk or master.status not in OPEN_STATUSES:
        step.problems.add(
            "bad_master",
            _("Merge into another open event of your jurisdiction."),
            field="payload.master",
            item=number,
        )
        return
    step.updates["master"] = master


def _escalate(step: _Step) -> None:
    owner = step.event.owner
    parent = owner.parent
    if parent is None:
        return
    step.updates["owner"] = parent
    step.payload = {**step.payload, "from": owner.code, "to": parent.code}


def _supervise(step: _Step) -> None:
    step.updates.update(supervised_at=timezone.now(), supervised_by=step.actor)


EFFECTS: dict[Command, Callable[[_Step], None]] = {
    Command.MERGE: _merge,
    Command.ESCALATE: _escalate,
    Command.SUPERVISE: _supervise,
    Command.REGISTER: _register,
    Command.DISPATCH: _dispatch,
    Command.RETURN: _return,
    Command.REWORK: _rework,
    Command.HANDLE: _photos,
    Command.SELF_HANDLE: _photos,
    Command.EVALUATE: _evaluate,
    Command.REQUEST_EXTENSION: _request_extension,
    Command.APPROVE_EXTENSION: _approve_extension,
    Command.REJECT_EXTENSION: _reject_extension,
}


def _conflict_not_allowed(event: Event, command: Command) -> Conflict:
    allowed = commands_open(event)
    names = ", ".join(str(Command(c).label) for c in allowed) or str(_("none"))
    return Conflict(
        _("“%(command)s” is not possible while the event is %(status)s; possible now: %(allowed)s.")
        % {"command": command.label, "status": event.get_status_display(), "allowed": names},
        code="command_not_allowed",
        problems=[
            Problem("allowed_command", Command(c).label, field="command", item=c) for c in allowed
        ],
    )


def _forbidden(actor: User, event: Event, command: Command) -> PermissionDenied:
    """Why command_permitted said no, when the role alone does not say it."""
    if command == Command.ESCALATE and actor.role in COMMAND_ROLES[command]:
        if not may_escalate(actor, event):
            return PermissionDenied(
                _("Only the level that owns the event, or one above it, may escalate it."),
                code="not_owner",
            )
    return PermissionDenied(
        _("Your role may not give the command “%(command)s” on this event.")
        % {"command": command.label},
        code="command_forbidden",
    )


@transaction.atomic
def event_apply(
    *,
    actor: User,
    event_id: int,
    command: str,
    expected_version: int,
    note: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
    photos: list[Upload] | None = None,
) -> Event:
    """Move an event one step along the loop; the only writer of Event.status. Photos
    (before/after the work) hang on the step that brought them."""
    if not events_visible(actor).filter(pk=event_id).exists():
        raise NotFound(_("No such event."), code="event_not_found")
    # Locked by primary key alone, with no joins: PostgreSQL re-checks a row another writer
    # changed, and a locking query over the scope's joins lost the row instead of waiting.
    event = Event.objects.select_for_update().get(pk=event_id)
    if command not in Command.values:
        raise InvalidInput(
            _("Unknown command %(command)s.") % {"command": command}, code="unknown_command"
        )
    cmd = Command(command)
    if not command_permitted(actor, event, cmd):
        raise _forbidden(actor, event, cmd)
    if cmd not in commands_open(event):
        raise _conflict_not_allowed(event, cmd)
    if expected_version != event.version:
        raise Conflict(
            _("The event changed since you read it (now version %(version)d); reload it.")
            % {"version": event.version},
            code="stale_version",
        )
    step = _Step(actor=actor, event=event, payload=payload or {})
    if cmd in REASON_REQUIRED and not reason.strip():
        step.problems.add("required", _("Give a reason."), field="reason")
    if cmd in NOTE_REQUIRED and not note.strip():
        step.problems.add("required", _("Describe what was done."), field="note")
    if not isinstance(step.payload, dict):
        step.problems.add("bad_payload", _("The payload is an object."), field="payload")
    else:
        effect = EFFECTS.get(cmd)
        if effect is not None:
            effect(step)
    checked = photos_checked(photos or [], step.problems)
    step.problems.raise_if_any(_("The command cannot be applied."))
    return _advance(
        event,
        cmd,
        actor=actor,
        note=note,
        reason=reason,
        payload=step.payload,
        updates=step.updates,
        photos=checked,
        extend_by=step.extend_by,
    )


def _advance(
    event: Event,
    cmd: Command,
    *,
    actor: User | None,
    note: str,
    reason: str,
    payload: dict[str, Any],
    updates: dict[str, Any],
    photos: list[Photo],
    extend_by: int | None = None,
    audit_detail: dict[str, Any] | None = None,
) -> Event:
    """Write one checked step: status, stamp and version, the timeline row, photos, clocks,
    audit. The version the event was read at guards the update, as in event_apply."""
    before = Status(event.status)
    after = TRANSITIONS[before, cmd]
    now = timezone.now()
    # A command that leaves the state (escalate, supervise) is no new entry into it.
    stamp = {f"{after}_at": now} if after != before else {}
    changed = Event.objects.filter(pk=event.pk, version=event.version).update(
        status=after, version=event.version + 1, **stamp, **updates
    )
    if changed != 1:
        raise Conflict(_("The event changed since you read it; reload it."), code="stale_version")
    event.refresh_from_db()
    transition = EventTransition.objects.create(
        event=event,
        from_status=before,
        to_status=after,
        command=cmd,
        actor=actor,
        at=now,
        note=note.strip(),
        reason=reason.strip(),
        payload=payload,
    )
    _store_photos(event, photos, actor, now, transition)
    _move_clocks(event, cmd, before, after, now)
    if extend_by:
        _extend_handle_clock(event, extend_by)
    audit_record(
        actor=actor,
        action=f"events.{cmd}",
        target=event,
        detail={
            "number": event.number,
            "from": before,
            "to": after,
            "version": event.version,
            "photos": len(photos),
            **(audit_detail or {}),
        },
    )
    notices.after_step(event, cmd)
    transaction.on_commit(partial(_announce, event.number, cmd, after))
    return event


def _extend_handle_clock(event: Event, minutes: int) -> None:
    row = Deadline.objects.get(event=event, stage=Stage.HANDLE, ended_at__isnull=True)
    row.due_at = deadline(row.due_at, minutes, natural=event.category.natural_time)
    row.save(update_fields=["due_at"])


# Residents ------------------------------------------------------------------------------------

RESIDENT_CHANNELS = frozenset({Channel.SNAP_REPORT, Channel.API})
DEFAULT_REOPEN_DAYS = 7
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&[a-zA-Z]+;|&#[0-9]+;")


def reopen_days() -> int:
    return int(getattr(settings, "RESIDENT_REOPEN_DAYS", DEFAULT_REOPEN_DAYS))


@transaction.atomic
def event_resident_report(
    *,
    within: Node,
    channel: str,
    source_system: str,
    idempotency_key: str,
    category_code: str,
    description: str,
    lon: float,
    lat: float,
    extra: dict[str, Any] | None = None,
    address: str = "",
    photos: list[Upload] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> tuple[Event, bool]:
    """A report by a resident, who has no account: through the residents' page or an Open311
    client. As for a hotline call only the masked name and phone are kept, and the last four
    digits let the resident follow the report. The key makes a form sent twice, or a client's
    retry, the same event (created is False)."""
    problems = ProblemList()
    if channel not in RESIDENT_CHANNELS:
        problems.add("unknown_channel", _("No such channel."), field="channel", item=channel)
    if _MARKUP.search(description):
        problems.add(
            "markup",
            _("Write the description as plain text, without HTML tags or entities."),
            field="description",
        )
    if len(contact_name.strip()) > CALLER_NAME_MAX:
        problems.add("too_long", _("The name is too long."), field="contact_name")
    digits = _phone_digits(contact_phone, problems, "contact_phone")
    source_system, idempotency_key = source_system.strip(), idempotency_key.strip()
    if not source_system or not idempotency_key or len(idempotency_key) > KEY_MAX:
        problems.add("required", _("Send the form again."), field="idempotency_key")
    digest = canonical_sha256(
        {
            "category": category_code,
            "description": description,
            "lon": lon,
            "lat": lat,
            "extra": extra or {},
            "address": address,
        }
    )
    intake = _Intake(category_code, description, lon, lat, "wgs84", extra, address, photos or [])
    event, created = _file_once(
        None,
        intake,
        channel,
        problems,
        source_system=source_system,
        idempotency_key=idempotency_key,
        digest=digest,
        within=within,
        caller_name_masked=mask_name(contact_name),
        caller_phone_masked=mask_phone(digits) if digits else "",
        caller_phone_last4=digits[-4:],
    )
    if created and digits:
        notices.resident_follows(event, digits)
    return event, created


RESIDENT_COMMANDS = frozenset({Command.EVALUATE, Command.REOPEN})


@transaction.atomic
def event_resident_apply(
    *, event_id: int, command: str, score: int | None = None, reason: str = ""
) -> Event:
    """A resident's word on their own closed report: a rating, or a complaint that reopens it
    within RESIDENT_REOPEN_DAYS of closure. The caller (gridgov.residents.actions) has matched
    the number and the phone; the loop's rules are checked here."""
    event = Event.objects.select_for_update().get(pk=event_id)
    if command not in RESIDENT_COMMANDS:
        raise InvalidInput(
            _("Unknown command %(command)s.") % {"command": command}, code="unknown_command"
        )
    cmd = Command(command)
    if (Status(event.status), cmd) not in TRANSITIONS:
        message = (
            _("The report can be rated once, after it was closed.")
            if cmd == Command.EVALUATE
            else _("Only a closed report can be reopened.")
        )
        raise Conflict(message, code="command_not_allowed")
    problems = ProblemList()
    updates: dict[str, Any] = {}
    payload: dict[str, Any] = {"by": "resident"}
    if cmd == Command.EVALUATE:
        if _score_fits(score, problems, "score"):
            updates["rating"] = payload["score"] = score
    else:
        if not reason.strip():
            problems.add("required", _("Say what is still wrong."), field="reason")
        closed = event.closed_at
        if closed is None or timezone.now() > closed + timedelta(days=reopen_days()):
            raise Conflict(
                _("A report can be reopened within %(n)d days of its closure.")
                % {"n": reopen_days()},
                code="reopen_period_over",
            )
    problems.raise_if_any(_("The command cannot be applied."))
    return _advance(
        event,
        cmd,
        actor=None,
        note="",
        reason=reason,
        payload=payload,
        updates=updates,
        photos=[],
        audit_detail={"by": "resident"},
    )


@transaction.atomic
def attachment_publish(*, actor: User, attachment_ids: list[int], approved: bool) -> int:
    """Staff decide which photos residents may see; a photo can show faces or doorways, so
    none is public until someone of the event's jurisdiction has looked at it."""
    ids = list(
        EventAttachment.objects.filter(
            pk__in=attachment_ids, event__in=events_visible(actor)
        ).values_list("pk", flat=True)
    )
    changed = (
        EventAttachment.objects.filter(pk__in=ids)
        .exclude(public_approved=approved)
        .update(public_approved=approved)
    )
    audit_record(
        actor=actor,
        action="events.attachment_publish" if approved else "events.attachment_withdraw",
        target_type="events.eventattachment",
        detail={"ids": ids, "changed": changed},
    )
    return changed


@transaction.atomic
def event_orphans_relocate(*, actor: User | None) -> list[str]:
    """Move every open event filed outside all grids (as intake allowed before it refused
    such points) to the grid nearest its point, where that grid's people and its district's
    commander see it; no one works the city node it sat at. Returns the numbers moved."""
    orphans = (
        Event.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(grid__isnull=True, status__in=OPEN_STATUSES)
    )
    moved = []
    for event in orphans.order_by("id"):
        code = nearest_grid(event.lon, event.lat)
        grid = Node.objects.filter(code=code).first() if code else None
        if grid is None:
            break
        before = event.owner.code
        Event.objects.filter(pk=event.pk).update(
            node=grid, grid=grid, owner=grid, version=F("version") + 1
        )
        audit_record(
            actor=actor,
            action="events.relocate",
            target=event,
            detail={"number": event.number, "from": before, "to": grid.code},
        )
        moved.append(event.number)
    return moved


def photos_keep(uploads: list[Upload], *, owner: str, already: str = "") -> str:
    """Store the photos of a form that came back with an error, so the reporter need not choose
    them again: the real photos among `uploads` join those `already` kept, and the signed
    list the form carries is returned. Files are not events' attachments until reported."""
    entries = kept_entries(already, owner=owner)
    for photo in photos_checked(uploads, ProblemList()):
        path = default_storage.save(
            f"{PENDING_DIR}/{secrets.token_hex(16)}.{photo.extension}", ContentFile(photo.content)
        )
        entries.append((path, photo.name))
    return kept_sign(entries[:MAX_PHOTOS], owner=owner)


def photos_discard(signed: str, *, owner: str) -> None:
    """The kept files, once the report holds its own copies."""
    for path, _name in kept_entries(signed, owner=owner):
        default_storage.delete(path)
