"""Every write of field tasks and duty check-ins.

A task moves only through `_apply`, which reads fieldwork.workflow's table, refuses any
other pair with 409, stamps the state's time, writes the step row and bumps the version
under the version the task was read at (as events.actions.loop does).
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import TYPE_CHECKING, Any

import shapely
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, ProblemList
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.events.photos import Photo, Upload, photos_checked
from gridgov.fieldwork import notices
from gridgov.fieldwork.kinds import GRID_WORKERS, doers_of, task_kind
from gridgov.fieldwork.models import (
    CheckIn,
    Duty,
    FieldPhoto,
    FieldTask,
    FieldTaskTransition,
    TargetKind,
)
from gridgov.fieldwork.workflow import STATES, TRANSITIONS, Command, Status
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.worktime.calendar import current_calendar, deadline

if TYPE_CHECKING:
    from gridgov.accounts.models import User

logger = logging.getLogger(__name__)

# Who hands tasks to grid workers: the community, the subdistrict and the district centres.
ASSIGN_ROLES = frozenset(
    {Role.COMMUNITY_STAFF, Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER}
)
TITLE_MAX = 200
CHUNK = 2000
METRES_PER_DEGREE = 111_320.0


def checkin_radius_m() -> int:
    """How far outside their area a worker may stand at a check-in (GPS drifts at a border)."""
    return int(getattr(settings, "GRIDGOV_CHECKIN_RADIUS_M", 500))


def _announce(task_id: int, step: str) -> None:
    logger.info("field task %s: %s", task_id, step)


def works_in(user: User, grid: Node, roles: frozenset[str] = GRID_WORKERS) -> bool:
    """A grid worker (or another of `roles`, a community's staff) sits on the grid, or on its
    community and works all of its grids."""
    node = user.node
    return (
        user.role in roles
        and user.is_active
        and node is not None
        and grid.code.startswith(node.code)
    )


def require_assigner(actor: User | None, grid: Node) -> None:
    """None is the system itself (a beat job's fan-out)."""
    if actor is None:
        return
    if actor.role not in ASSIGN_ROLES or not actor.is_active:
        raise PermissionDenied(
            _("Only a community, subdistrict or district centre assigns tasks."),
            code="not_assigner",
        )
    if not scope_of(actor).covers(grid.code):
        raise PermissionDenied(_("The grid is outside your jurisdiction."), code="outside_scope")


@dataclass
class TaskSpec:
    """One task to create, as a domain's fan-out describes it."""

    kind: str
    title: str
    grid_id: int
    source_key: str
    due_at: datetime
    assignee_id: int | None = None
    target_kind: str = TargetKind.GRID
    target_id: int | None = None
    target_label: str = ""
    note: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    event_id: int | None = None


def _check_spec(spec: TaskSpec, problems: ProblemList, index: int | None = None) -> None:
    if task_kind(spec.kind) is None:
        problems.add("unknown_kind", _("No such kind of task."), field="kind", index=index)
    if not spec.title.strip():
        problems.add("required", _("Give the task a title."), field="title", index=index)
    elif len(spec.title) > TITLE_MAX:
        problems.add(
            "too_long",
            _("Keep the title under %(n)d characters.") % {"n": TITLE_MAX},
            field="title",
            index=index,
        )
    if spec.target_kind not in TargetKind.values:
        problems.add("unknown_target", _("No such kind of target."), field="target_kind")
    if not spec.source_key or len(spec.source_key) > 160:
        problems.add(
            "bad_source_key", _("A source key is 1 to 160 characters."), field="source_key"
        )
    if timezone.is_naive(spec.due_at):
        problems.add("naive_time", _("Give the due time with its time zone."), field="due_at")


def due_in_working_time(kind: str, start: datetime | None = None) -> datetime:
    """The kind's working minutes counted on the working calendar from `start` (now)."""
    found = task_kind(kind)
    minutes = found.working_minutes if found is not None else 0
    return deadline(start or timezone.now(), minutes, natural=False)


@transaction.atomic
def field_task_create(
    *,
    actor: User | None,
    kind: str,
    title: str,
    grid: Node,
    assignee: User | None = None,
    target_kind: str = TargetKind.GRID,
    target_id: int | None = None,
    target_label: str = "",
    due_at: datetime | None = None,
    source_key: str = "",
    note: str = "",
    payload: dict[str, Any] | None = None,
    event: Event | None = None,
) -> FieldTask:
    """One task for a grid's workers (or one of them). Creating the same source key again
    answers the task made the first time. Without a due time, the kind's working time."""
    key = source_key.strip() or f"{kind}:{uuid.uuid4().hex}"
    earlier = FieldTask.objects.unscoped().filter(source_key=key).first()
    if earlier is not None:
        return earlier
    require_assigner(actor, grid)
    problems = ProblemList()
    if grid.level != Level.GRID:
        problems.add("not_a_grid", _("Tasks are given to a grid."), field="grid", item=grid.code)
    if assignee is not None and not works_in(assignee, grid, doers_of(kind)):
        problems.add(
            "not_grid_worker",
            _("The assignee does not work in this grid, or their role may not do this task."),
            field="assignee",
            item=assignee.get_username(),
        )
    now = timezone.now()
    spec = TaskSpec(
        kind=kind,
        title=title.strip(),
        grid_id=grid.pk,
        source_key=key,
        due_at=due_at or due_in_working_time(kind, now),
        assignee_id=assignee.pk if assignee is not None else None,
        target_kind=target_kind,
        target_id=target_id,
        target_label=target_label.strip() or grid.name,
        note=note.strip(),
        payload=payload or {},
        event_id=event.pk if event is not None else None,
    )
    _check_spec(spec, problems)
    problems.raise_if_any(_("The task cannot be created."))
    task = FieldTask.objects.create(**_row(spec, actor, now))
    audit_record(
        actor=actor,
        action="fieldwork.task_create",
        target=task,
        detail={"kind": kind, "grid": grid.code, "source_key": key},
    )
    transaction.on_commit(partial(_announce, task.pk, "created"))
    if actor is not None:
        transaction.on_commit(partial(notices.assigned, task))
    return task


def _row(spec: TaskSpec, actor: User | None, now: datetime) -> dict[str, Any]:
    return {
        "kind": spec.kind,
        "title": spec.title,
        "grid_id": spec.grid_id,
        "source_key": spec.source_key,
        "due_at": spec.due_at,
        "assignee_id": spec.assignee_id,
        "target_kind": spec.target_kind,
        "target_id": spec.target_id,
        "target_label": spec.target_label,
        "note": spec.note,
        "payload": spec.payload,
        "event_id": spec.event_id,
        "created_by": actor,
        "created_at": now,
    }


def field_tasks_create_many(
    *, actor: User | None, specs: Iterable[TaskSpec], chunk_size: int = CHUNK
) -> int:
    """A domain's fan-out: create the tasks not made yet, chunk by chunk, each chunk in its own
    transaction with one audit row; returns how many were new. Run again (a retried job), it
    creates nothing twice: a key already present is skipped, and a key a racing run inserts
    first is ignored by the insert itself. The caller has checked grids and assignees."""
    created = 0
    chunk: list[TaskSpec] = []
    for spec in specs:
        chunk.append(spec)
        if len(chunk) >= chunk_size:
            created += _create_chunk(actor, chunk)
            chunk = []
    if chunk:
        created += _create_chunk(actor, chunk)
    return created


@transaction.atomic
def _create_chunk(actor: User | None, specs: Sequence[TaskSpec]) -> int:
    problems = ProblemList()
    for index, spec in enumerate(specs):
        _check_spec(spec, problems, index)
    problems.raise_if_any(_("The tasks cannot be created."))
    keys = [s.source_key for s in specs]
    present = set(
        FieldTask.objects.unscoped()
        .filter(source_key__in=keys)
        .values_list("source_key", flat=True)
    )
    now = timezone.now()
    fresh: dict[str, TaskSpec] = {}
    for spec in specs:
        if spec.source_key not in present:
            fresh.setdefault(spec.source_key, spec)
    if not fresh:
        return 0
    FieldTask.objects.bulk_create(
        [FieldTask(**_row(s, actor, now)) for s in fresh.values()], ignore_conflicts=True
    )
    made = FieldTask.objects.unscoped().filter(source_key__in=list(fresh), created_at=now).count()
    audit_record(
        actor=actor,
        action="fieldwork.tasks_create_many",
        target_type="fieldwork.fieldtask",
        detail={"kinds": sorted({s.kind for s in fresh.values()}), "created": made},
    )
    return made


def require_doer(actor: User, task: FieldTask) -> None:
    """Only the assignee, or anyone of the grid whose role the kind allows when nobody is
    named, enters a result."""
    doers = doers_of(task.kind)
    if not works_in(actor, task.grid, doers) or task.assignee_id not in (None, actor.pk):
        raise PermissionDenied(
            _("This task is another worker's; only they may enter its result."),
            code="not_your_task",
        )


def _apply(
    task: FieldTask,
    command: Command,
    *,
    actor: User | None,
    note: str = "",
    updates: dict[str, Any] | None = None,
) -> FieldTask:
    before = Status(task.status)
    after = TRANSITIONS.get((before, command))
    if after is None:
        raise Conflict(
            _("The task is %(status)s; it cannot be %(command)s now.")
            % {"status": task.get_status_display(), "command": command.label},
            code="not_allowed",
        )
    now = timezone.now()
    changed = (
        FieldTask.objects.unscoped()
        .filter(pk=task.pk, version=task.version)
        .update(
            status=after,
            version=task.version + 1,
            **{STATES[after].stamp: now},
            **(updates or {}),
        )
    )
    if changed != 1:
        raise Conflict(_("The task changed since you read it; reload it."), code="stale_version")
    task.refresh_from_db()
    FieldTaskTransition.objects.create(
        task=task,
        from_status=before,
        to_status=after,
        command=command,
        actor=actor,
        at=now,
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        action=f"fieldwork.task_{command}",
        target=task,
        detail={"kind": task.kind, "from": before, "to": after},
    )
    transaction.on_commit(partial(_announce, task.pk, str(command)))
    return task


def check_point(lon: float | None, lat: float | None, problems: ProblemList) -> None:
    if (lon is None) != (lat is None):
        problems.add("point_incomplete", _("Give both longitude and latitude."), field="point")
    elif lon is not None and lat is not None:
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180):
            problems.add("invalid_coordinates", _("The point is not a position."), field="point")
        elif not -90 <= lat <= 90:
            problems.add("invalid_coordinates", _("The point is not a position."), field="point")


def store_photos(task: FieldTask, photos: list[Photo], actor: User, now: datetime) -> None:
    for photo in photos:
        row = FieldPhoto(
            task=task,
            name=photo.name,
            content_type=photo.content_type,
            size=len(photo.content),
            sha256=photo.sha256,
            uploaded_by=actor,
            at=now,
        )
        row.file.save(
            f"{photo.sha256[:20]}.{photo.extension}", ContentFile(photo.content), save=False
        )
        row.save()


@transaction.atomic
def field_task_complete(
    *,
    actor: User,
    task: FieldTask,
    result: dict[str, Any] | None = None,
    note: str = "",
    lon: float | None = None,
    lat: float | None = None,
    photos: list[Upload] | None = None,
) -> FieldTask:
    """The result of a task, entered on the phone by its worker, with a point and photos.
    A domain whose result form is its own calls this when it saves the result."""
    task = FieldTask.objects.unscoped().select_related("grid").get(pk=task.pk)
    require_doer(actor, task)
    problems = ProblemList()
    check_point(lon, lat, problems)
    if result is not None and not isinstance(result, dict):
        problems.add("bad_result", _("The result is an object."), field="result")
    checked = photos_checked(photos or [], problems)
    problems.raise_if_any(_("The result cannot be saved."))
    task = _apply(
        task,
        Command.COMPLETE,
        actor=actor,
        note=note,
        updates={
            "done_by": actor,
            "result": result or {},
            "result_note": note.strip(),
            "lon": lon,
            "lat": lat,
        },
    )
    store_photos(task, checked, actor, timezone.now())
    return task


@transaction.atomic
def field_task_cancel(*, actor: User | None, task: FieldTask, reason: str) -> FieldTask:
    """A task no longer needed (the campaign ended, the person moved): by whoever may assign
    in the grid, or the system."""
    task = FieldTask.objects.unscoped().select_related("grid").get(pk=task.pk)
    require_assigner(actor, task.grid)
    if not reason.strip():
        raise InvalidInput(_("Give a reason."), code="reason_required")
    return _apply(task, Command.CANCEL, actor=actor, note=reason)


@transaction.atomic
def field_task_expire(*, task: FieldTask) -> FieldTask:
    """A one-day task (a patrol) whose day passed untouched is missed, by the daily job: it
    leaves the worker's list and still counts as planned and not done."""
    task = FieldTask.objects.unscoped().select_related("grid").get(pk=task.pk)
    return _apply(task, Command.EXPIRE, actor=None)


@transaction.atomic
def field_task_report_finding(
    *,
    actor: User,
    task: FieldTask,
    category_code: str,
    description: str,
    lon: float,
    lat: float,
    extra: dict[str, Any] | None = None,
    address: str = "",
    photos: list[Upload] | None = None,
) -> Event:
    """A problem found while doing the task becomes an event of the loop in one step, linked
    to the task; the task stays open for its own result."""
    task = FieldTask.objects.unscoped().select_for_update().select_related("grid").get(pk=task.pk)
    require_doer(actor, task)
    if task.event_id is not None:
        raise Conflict(_("The task already has its event."), code="task_has_event")
    if not STATES[Status(task.status)].is_open:
        raise Conflict(_("The task is no longer open."), code="task_closed")
    event = event_report(
        actor=actor,
        category_code=category_code,
        description=description,
        lon=lon,
        lat=lat,
        extra=extra,
        address=address,
        photos=photos,
    )
    FieldTask.objects.unscoped().filter(pk=task.pk).update(event=event, version=task.version + 1)
    audit_record(
        actor=actor,
        action="fieldwork.task_finding",
        target=task,
        detail={"event": event.number},
    )
    return event


def distance_m(node: Node, lon: float, lat: float) -> int:
    """Metres from a point to an area's boundary (0 inside it), on a local flat projection:
    longitude degrees shrink by the cosine of the latitude."""
    scale = math.cos(math.radians(lat))
    area = shapely.transform(node.geometry, lambda xy: xy * [scale, 1.0])
    degrees = shapely.distance(area, shapely.Point(lon * scale, lat))
    return round(float(degrees) * METRES_PER_DEGREE)


@transaction.atomic
def checkin_record(*, actor: User, duty: str, lon: float, lat: float, note: str = "") -> CheckIn:
    """A start or end of duty with the position at that moment only. Standing far from one's
    area is refused, so the attendance means the worker was there."""
    if actor.role != Role.GRID_WORKER or not actor.is_active or actor.node is None:
        raise PermissionDenied(_("Only a grid worker checks in."), code="not_grid_worker")
    problems = ProblemList()
    if duty not in Duty.values:
        problems.add("unknown_duty", _("Choose start or end of duty."), field="duty")
    check_point(lon, lat, problems)
    if len(note) > 200:
        problems.add("too_long", _("Keep the note under 200 characters."), field="note")
    problems.raise_if_any(_("The check-in cannot be recorded."))
    node = actor.node
    away = distance_m(node, lon, lat)
    if away > checkin_radius_m():
        raise InvalidInput(
            _("You are %(m)s m outside %(area)s; check in from your area.")
            % {"m": away, "area": node.name},
            code="far_from_area",
        )
    last = CheckIn.objects.unscoped().select_for_update().filter(user=actor).order_by("-at").first()
    on_duty = last is not None and last.duty == Duty.START
    if duty == Duty.START and on_duty:
        raise Conflict(_("You are already on duty."), code="already_on_duty")
    if duty == Duty.END and not on_duty:
        raise Conflict(_("You are not on duty."), code="not_on_duty")
    checkin = CheckIn.objects.create(
        user=actor,
        node=node,
        duty=duty,
        at=timezone.now(),
        lon=lon,
        lat=lat,
        distance_m=away,
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        action="fieldwork.checkin",
        target=checkin,
        detail={"duty": duty, "distance_m": away},
    )
    return checkin


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> int:
    """Metres between two points close to each other (a patrol point and a check-in)."""
    scale = math.cos(math.radians((lat1 + lat2) / 2))
    return round(math.hypot((lon2 - lon1) * scale, lat2 - lat1) * METRES_PER_DEGREE)


def end_of_working_day(day: date) -> datetime:
    """A day's office hours counted from its midnight: the close of that working day (of the
    next one when the day is a holiday)."""
    midnight = timezone.make_aware(datetime.combine(day, time.min))
    periods = current_calendar().hours.periods
    minutes = sum(
        (datetime.combine(day, end) - datetime.combine(day, begin)).total_seconds() / 60
        for begin, end in periods
    )
    return deadline(midnight, minutes, natural=False)
