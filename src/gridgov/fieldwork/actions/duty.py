"""Leave, the daily work log and the service ledger: what a worker's day records besides
tasks, and what the community enters about it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, ProblemList
from gridgov.events.actions.intake import mask_name
from gridgov.events.models import Event
from gridgov.fieldwork.actions.tasks import require_assigner, works_in
from gridgov.fieldwork.kinds import PATROL, VISIT
from gridgov.fieldwork.models import (
    FieldTask,
    Leave,
    LeaveKind,
    PatrolCheck,
    ServiceEntry,
    ServiceKind,
    ServiceOutcome,
    WorkLog,
)
from gridgov.fieldwork.workflow import Status
from gridgov.jurisdiction.models import Level, Node
from gridgov.registry.models import Person

NOTE_MAX = 2000
LOG_LATE_DAYS = 7
MAX_LEAVE_DAYS = 366


def _require_grid_worker(actor: User) -> Node:
    if actor.role != Role.GRID_WORKER or not actor.is_active or actor.node is None:
        raise PermissionDenied(_("Only a grid worker does this."), code="not_grid_worker")
    return actor.node


@transaction.atomic
def leave_enter(
    *,
    actor: User,
    worker: User,
    kind: str,
    first_day: date,
    last_day: date,
    note: str = "",
) -> Leave:
    """Leave entered by the worker's community (or a centre above it)."""
    if worker.role != Role.GRID_WORKER or worker.node is None:
        raise InvalidInput(_("Leave is entered for a grid worker."), code="not_grid_worker")
    require_assigner(actor, worker.node)
    problems = ProblemList()
    if kind not in LeaveKind.values:
        problems.add("unknown_kind", _("Choose a kind of leave."), field="kind")
    if last_day < first_day:
        problems.add("bad_range", _("The last day comes after the first."), field="last_day")
    elif (last_day - first_day).days >= MAX_LEAVE_DAYS:
        problems.add("too_long", _("Enter at most a year of leave at once."), field="last_day")
    problems.raise_if_any(_("The leave cannot be entered."))
    overlapping = (
        Leave.objects.unscoped()
        .select_for_update()
        .filter(worker=worker, first_day__lte=last_day, last_day__gte=first_day)
    )
    if overlapping.exists():
        raise Conflict(_("The worker already has leave on some of these days."), code="overlap")
    leave = Leave.objects.create(
        worker=worker,
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        note=note.strip()[:200],
        entered_by=actor,
        entered_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="fieldwork.leave_enter",
        target=leave,
        detail={"worker": worker.get_username(), "first": str(first_day), "last": str(last_day)},
    )
    return leave


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local day as an aware [start, end) range."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def worklog_figures(worker: User, day: date) -> dict[str, Any]:
    """The day's work as the log is pre-filled with it: tasks done by kind, patrol check-ins,
    events reported, services given."""
    start, end = day_bounds(day)
    done = FieldTask.objects.unscoped().filter(
        done_by=worker, status=Status.DONE, done_at__gte=start, done_at__lt=end
    )
    by_kind: dict[str, int] = {}
    for kind in done.values_list("kind", flat=True):
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return {
        "tasks_done": sum(by_kind.values()),
        "patrols": by_kind.get(PATROL, 0),
        "visits": by_kind.get(VISIT, 0),
        "other_tasks": sum(n for k, n in by_kind.items() if k not in {PATROL, VISIT}),
        "patrol_checks": PatrolCheck.objects.filter(
            patrol__worker=worker, at__gte=start, at__lt=end
        ).count(),
        "events_reported": Event.objects.unscoped()
        .filter(reporter=worker, reported_at__gte=start, reported_at__lt=end)
        .count(),
        "services": ServiceEntry.objects.unscoped()
        .filter(worker=worker, at__gte=start, at__lt=end)
        .count(),
    }


@transaction.atomic
def worklog_submit(
    *, actor: User, notes: str, day: date | None = None, now: datetime | None = None
) -> WorkLog:
    """The worker's log of a day (today unless given, up to a week late), with the day's
    figures as they stand now; submitted again, the notes and figures are replaced and the
    first submission time kept."""
    node = _require_grid_worker(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = day or today
    if day > today or (today - day).days > LOG_LATE_DAYS:
        raise InvalidInput(
            _("A log is for today or one of the last %(n)d days.") % {"n": LOG_LATE_DAYS},
            code="bad_day",
        )
    if len(notes) > NOTE_MAX:
        raise InvalidInput(
            _("Keep the notes under %(n)d characters.") % {"n": NOTE_MAX}, code="too_long"
        )
    log, _created = (
        WorkLog.objects.unscoped()
        .select_for_update()
        .get_or_create(worker=actor, day=day, defaults={"node": node})
    )
    log.notes = notes.strip()
    log.figures = worklog_figures(actor, day)
    log.submitted_at = log.submitted_at or now
    log.save()
    audit_record(
        actor=actor, action="fieldwork.worklog_submit", target=log, detail={"day": str(day)}
    )
    return log


@transaction.atomic
def service_record(
    *,
    actor: User,
    kind: str,
    grid: Node | None = None,
    person: Person | None = None,
    person_name: str = "",
    outcome: str = ServiceOutcome.DONE,
    note: str = "",
    at: datetime | None = None,
) -> ServiceEntry:
    """A service given to a resident. The person is a registry record or a name, kept only
    masked; a grid worker of a whole community names the grid."""
    node = _require_grid_worker(actor)
    grid = grid or (node if node.level == Level.GRID else None)
    problems = ProblemList()
    if grid is None or grid.level != Level.GRID or not works_in(actor, grid):
        problems.add("bad_grid", _("Choose one of your grids."), field="grid")
    if kind not in ServiceKind.values:
        problems.add("unknown_kind", _("Choose a kind of service."), field="kind")
    if outcome not in ServiceOutcome.values:
        problems.add("unknown_outcome", _("Choose an outcome."), field="outcome")
    if person is None and not person_name.strip():
        problems.add("required", _("Name the person served."), field="person_name")
    if len(note) > NOTE_MAX:
        problems.add("too_long", _("Keep the note under 2000 characters."), field="note")
    when = at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        problems.add("future", _("A service is recorded once given."), field="at")
    problems.raise_if_any(_("The service cannot be recorded."))
    if grid is None:  # reported above; narrows the type
        raise InvalidInput(_("Choose one of your grids."), code="bad_grid")
    entry = ServiceEntry.objects.create(
        worker=actor,
        grid=grid,
        kind=kind,
        person=person,
        person_label=mask_name(person.name if person is not None else person_name)[:64],
        at=when,
        outcome=outcome,
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        action="fieldwork.service_record",
        target=entry,
        detail={"kind": kind, "outcome": outcome},
    )
    return entry
