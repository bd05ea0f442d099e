"""Collect → verify: proposals become tasks, and a grid worker's decision updates the record.

A change is applied only through the registry's own actions, so the record
keeps one set of validation rules and its provenance: the source and time
of the accepted values, and who verified them on the ground, when.

Decisions:
- confirm: the proposed values are applied; the record's source becomes the
  task's source (a stale task proposes nothing, so the record is re-stamped
  as verified with its source unchanged);
- correct: the worker's own values are applied; the source becomes
  "field_check" at the time of the decision;
- reject: the record keeps its values. For a change from a source the worker
  has just checked the record against the ground, so it is stamped verified
  as it stands; for a stale task, rejecting means the worker could not
  verify it, so it stays unverified and the next sweep asks again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability, Role, roles_with
from gridgov.audit.actions import audit_record
from gridgov.core import crypto
from gridgov.core.errors import Conflict, NotFound, PermissionDenied, ProblemList
from gridgov.core.scope import Scope
from gridgov.jurisdiction.selectors import scope_root
from gridgov.registry import actions as registry_actions
from gridgov.registry import selectors as registry_selectors
from gridgov.registry.actions.change import record_change
from gridgov.registry.models import Home, Organisation, Person, Provenance
from gridgov.registry.validation import resident_id_check
from gridgov.staffing.models import StaffAssignment
from gridgov.verification import fields, notices
from gridgov.verification.models import RecordKind, Source, Status, VerificationTask
from gridgov.verification.selectors import MODELS, record_get, task_get

if TYPE_CHECKING:
    from gridgov.accounts.models import User

# Those who keep the registry true on the ground decide; department systems may also propose.
DECIDE_ROLES = registry_actions.WRITE_ROLES
PROPOSE_ROLES = roles_with(Capability.PROPOSE_CORRECTION)
FINGERPRINT_FIELD = "verification.proposal"
SWEEP_LIMIT = 500


class Decision:
    CONFIRM = "confirm"
    CORRECT = "correct"
    REJECT = "reject"
    ALL = (CONFIRM, CORRECT, REJECT)


def _seal_field(name: str) -> str:
    """A task's personal value is sealed under its own field name: "verification.phone"."""
    return f"verification.{name}"


SEALED_PHONE = _seal_field("phone")


def _sealed(kind: str, values: dict[str, Any]) -> dict[str, str]:
    """The personal values a task carries, sealed; the task shows them only masked."""
    return {
        name: crypto.seal(value, _seal_field(name)).encrypted
        for name, value in values.items()
        if value and fields.personal(kind, name)
    }


def _fingerprint(kind: str, record_id: int, source: str, values: dict[str, Any]) -> str:
    """A keyed hash, so equal proposals collide without the plaintext phone being stored."""
    plain = {name: str(value) if value is not None else None for name, value in values.items()}
    text = json.dumps([kind, record_id, source, plain], sort_keys=True, ensure_ascii=False)
    return crypto.blind_index(text, field=FINGERPRINT_FIELD)


def _grid_workers(grid_ids: set[int]) -> dict[int, User]:
    """The grid worker with a login for each grid: by staff assignment, else by account node."""
    workers: dict[int, User] = {}
    assignments = (
        StaffAssignment.objects.filter(
            grid_id__in=grid_ids,
            staff__active=True,
            staff__user__role=Role.GRID_WORKER,
            staff__user__is_active=True,
        )
        .select_related("staff__user")
        .order_by("grid_id", "staff_id")
    )
    for assignment in assignments:
        user = assignment.staff.user
        if user is not None:
            workers.setdefault(assignment.grid_id, user)
    missing = grid_ids - workers.keys()
    if missing:
        accounts = get_user_model()._default_manager.filter(
            node_id__in=missing, role=Role.GRID_WORKER, is_active=True
        )
        for account in accounts.order_by("node_id", "pk"):
            if account.node_id is not None:
                workers.setdefault(account.node_id, account)
    return workers


def _resolve(
    actor: User,
    kind: str,
    *,
    record_id: int | None,
    id_number: str,
    credit_code: str,
    grid_code: str,
    address: str,
) -> Provenance:
    """The record a proposal is about, by id or by its natural key, inside the caller's scope."""
    if record_id is not None:
        return record_get(actor, kind, record_id)
    found: Provenance | None = None
    if kind == RecordKind.PERSON and id_number.strip():
        found = registry_selectors.person_search(actor, id_number=id_number).first()
    elif kind == RecordKind.ORGANISATION and credit_code.strip():
        found = (
            registry_selectors.visible(actor, Organisation)
            .filter(credit_code=credit_code.strip().upper())
            .first()
        )
    elif kind == RecordKind.HOME and grid_code.strip() and address.strip():
        found = (
            registry_selectors.visible(actor, Home)
            .filter(grid__code=grid_code.strip(), address=address.strip())
            .first()
        )
    else:
        problems = ProblemList()
        problems.add(
            "record_required",
            _("Name the record: its id, or its ID number, credit code, or grid and address."),
            field="record_id",
        )
        problems.raise_if_any(_("The proposal is not valid."))
    if found is None:
        raise NotFound(_("No such record in the registry."), code="not_found")
    return found


def proposer_check(actor: User) -> None:
    """Also asked before a page offers the declaration form, so nobody fills it in vain."""
    if actor.role not in PROPOSE_ROLES or not actor.is_active:
        raise PermissionDenied(
            _("Your role may not propose registry changes."), code="cannot_propose"
        )


def _diff(kind: str, record: Provenance, values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value for name, value in values.items() if fields.differs(kind, record, name, value)
    }


def _change_task(
    kind: str,
    record: Provenance,
    source: str,
    diff: dict[str, Any],
    *,
    batch: str,
    source_time: datetime | None,
) -> VerificationTask:
    """An unsaved task for one change: shown masked, the phone sealed, fingerprinted.

    One builder for a single proposal and a file's batch, so the same change
    from either makes the same fingerprint and collides into one pending task.
    """
    sealed = _sealed(kind, diff)
    return VerificationTask(
        record_kind=kind,
        record_id=record.pk,
        grid_id=record.grid_id,
        source=source,
        batch=batch.strip()[:64],
        source_time=source_time,
        proposed=fields.shown_all(kind, diff),
        sealed=sealed,
        fingerprint=_fingerprint(kind, record.pk, source, diff),
    )


@dataclass(frozen=True)
class Proposal:
    task: VerificationTask | None
    created: bool


@transaction.atomic
def change_propose(
    *,
    actor: User,
    source: str,
    record_kind: str,
    changes: dict[str, Any],
    record_id: int | None = None,
    id_number: str = "",
    credit_code: str = "",
    grid_code: str = "",
    address: str = "",
    batch: str = "",
    source_time: datetime | None = None,
) -> Proposal:
    """A task for the grid worker when the source differs from the registry; none when equal.

    Every source comes through here: a department file, an API push, and a
    resident's self-declaration taken at the desk or at the door.
    """
    proposer_check(actor)
    problems = ProblemList()
    if source not in Source.values or source == Source.STALE:
        problems.add("invalid_source", _("Unknown source."), field="source")
    if record_kind not in RecordKind.values:
        problems.add("invalid_kind", _("Unknown record kind."), field="record_kind")
    problems.raise_if_any(_("The proposal is not valid."))
    values = fields.values_parse(problems, record_kind, changes)
    problems.raise_if_any(_("The proposal is not valid."))
    try:
        record = _resolve(
            actor,
            record_kind,
            record_id=record_id,
            id_number=id_number,
            credit_code=credit_code,
            grid_code=grid_code,
            address=address,
        )
    except NotFound:
        if record_kind != RecordKind.PERSON or record_id is not None or not id_number.strip():
            raise
        return _newcomer_propose(
            actor,
            id_number,
            values,
            source=source,
            grid_code=grid_code,
            batch=batch,
            source_time=source_time,
        )
    diff = _diff(record_kind, record, values)
    if not diff:
        return Proposal(None, created=False)
    task = _change_task(record_kind, record, source, diff, batch=batch, source_time=source_time)
    pending = VerificationTask.objects.filter(
        record_kind=record_kind,
        record_id=record.pk,
        fingerprint=task.fingerprint,
        status=Status.PENDING,
    )
    existing = pending.first()
    if existing is not None:
        return Proposal(existing, created=False)
    task.assigned_to = _grid_workers({record.grid_id}).get(record.grid_id)
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        # The same change, proposed at the same moment by another request.
        return Proposal(pending.get(), created=False)
    notices.tasks_assigned([task.assigned_to_id], batch=f"task{task.pk}")
    audit_record(
        actor=actor,
        action="verification.propose",
        target=task,
        detail={
            "kind": record_kind,
            "record": record.pk,
            "source": source,
            "proposed": task.proposed,
        },
    )
    return Proposal(task, created=True)


SEALED_ID_NUMBER = _seal_field("id_number")
NEWCOMER_FIELDS = ("name", "kind")


def _newcomer_propose(
    actor: User,
    id_number: str,
    values: dict[str, Any],
    *,
    source: str,
    grid_code: str,
    batch: str,
    source_time: datetime | None,
) -> Proposal:
    """A person the registry does not know yet: a task like any change, placed by the grid
    or the address given; the record is made only when the grid worker confirms it."""
    problems = ProblemList()
    resident = resident_id_check(problems, id_number)
    field = registry_actions.UNMASK_FIELDS["id_number"]
    if (
        resident
        # Registered anywhere: one outside the caller's jurisdiction stays as unknown to them.
        and Person.objects.unscoped()
        .filter(id_number_index=crypto.blind_index(resident.number, field=field))
        .exists()
    ):
        # Registered, but outside the caller's jurisdiction: as unknown to them as before.
        raise NotFound(_("No such record in the registry."), code="not_found")
    for name in NEWCOMER_FIELDS:
        if not values.get(name):
            problems.add(
                "required",
                _("A newcomer needs %(field)s.") % {"field": fields.label(RecordKind.PERSON, name)},
                field=name,
            )
    grid = registry_actions.record_place(
        actor,
        problems,
        grid_code=grid_code.strip() or None,
        lon=None,
        lat=None,
        address_code=str(values.get("address_code", "")),
    )
    problems.raise_if_any(_("The proposal is not valid."))
    assert resident is not None  # noqa: S101 - checked just above
    assert grid is not None  # noqa: S101
    index = crypto.blind_index(resident.number, field=field)
    sealed_id = crypto.seal(resident.number, SEALED_ID_NUMBER)
    sealed = {
        "id_number": sealed_id.encrypted,
        "id_number_masked": sealed_id.masked,
        **_sealed(RecordKind.PERSON, values),
    }
    task = VerificationTask(
        record_kind=RecordKind.PERSON,
        record_id=None,
        grid=grid,
        source=source,
        batch=batch.strip()[:64],
        source_time=source_time,
        proposed=fields.shown_all(RecordKind.PERSON, values),
        sealed=sealed,
        fingerprint=_fingerprint(RecordKind.PERSON, 0, source, {**values, "id_number": index}),
    )
    pending = VerificationTask.objects.filter(
        record_id__isnull=True, fingerprint=task.fingerprint, status=Status.PENDING
    ).first()
    if pending is not None:
        return Proposal(pending, created=False)
    task.assigned_to = _grid_workers({grid.pk}).get(grid.pk)
    task.save()
    notices.tasks_assigned([task.assigned_to_id], batch=f"task{task.pk}")
    audit_record(
        actor=actor,
        action="verification.propose",
        target=task,
        detail={"kind": RecordKind.PERSON, "record": None, "source": source, "newcomer": True},
    )
    return Proposal(task, created=True)


def _newcomer_create(
    actor: User, task: VerificationTask, values: dict[str, Any], *, source: str, now: datetime
) -> Person:
    """The confirmed newcomer, written through the registry's upsert like any change."""
    return registry_actions.person_upsert(
        actor=actor,
        id_number=crypto.decrypt(task.sealed["id_number"], field=SEALED_ID_NUMBER),
        name=values.get("name", ""),
        kind=values.get("kind", ""),
        phone=values.get(fields.PHONE, ""),
        grid_code=task.grid.code,
        address_code=values.get("address_code", ""),
        moved_in=values.get("moved_in"),
        moved_out=values.get("moved_out"),
        source=source,
        source_time=task.source_time or now,
        verified=True,
    )


@transaction.atomic
def import_changes_propose(
    *,
    actor: User,
    record_kind: str,
    changes: dict[int, dict[str, Any]],
    batch: str = "",
    source_time: datetime | None = None,
) -> int:
    """Tasks for a department file's rows that would change records verified on the ground.

    `changes` maps a record's pk to the file's values of the fields a source
    may propose, a phone in plaintext (it is sealed here, as change_propose
    seals it). A batch of an import is thousands of rows, so this reads the
    records, the grid workers and writes the tasks in a few set-based
    queries; a change already pending (the same file again, or another file
    saying the same) collides on the fingerprint and is not made twice.
    Returns how many records the file would change, each now held for its
    grid worker.
    """
    proposer_check(actor)
    problems = ProblemList()
    if record_kind not in RecordKind.values:
        problems.add("invalid_kind", _("Unknown record kind."), field="record_kind")
    problems.raise_if_any(_("The proposal is not valid."))
    parsed = {pk: fields.values_parse(problems, record_kind, raw) for pk, raw in changes.items()}
    problems.raise_if_any(_("The proposal is not valid."))
    if not parsed:
        return 0
    records = registry_selectors.visible(actor, MODELS[record_kind]).in_bulk(list(parsed))
    if len(records) != len(parsed):
        raise NotFound(_("No such record in the registry."), code="not_found")
    tasks = []
    for pk, values in parsed.items():
        diff = _diff(record_kind, records[pk], values)
        if diff:
            tasks.append(
                _change_task(
                    record_kind,
                    records[pk],
                    Source.DEPARTMENT_FILE,
                    diff,
                    batch=batch,
                    source_time=source_time,
                )
            )
    if not tasks:
        return 0
    workers = _grid_workers({task.grid_id for task in tasks})
    for task in tasks:
        task.assigned_to = workers.get(task.grid_id)
    VerificationTask.objects.bulk_create(tasks, ignore_conflicts=True)
    notices.tasks_assigned((t.assigned_to_id for t in tasks), batch=f"import:{batch}")
    audit_record(
        actor=actor,
        action="verification.import_propose",
        target_type="verification.verificationtask",
        detail={
            "kind": record_kind,
            "source": Source.DEPARTMENT_FILE,
            "batch": batch[:64],
            "records": sorted(task.record_id for task in tasks),
        },
    )
    return len(tasks)


@transaction.atomic
def stale_sweep(*, actor: User | None, days: int, limit: int = SWEEP_LIMIT) -> int:
    """Tasks for records not verified within `days`, at most `limit` per run.

    Records that already wait on a stale task are skipped, so running it again
    makes nothing new; the oldest-verified records come first.
    """
    if actor is not None and (actor.role not in DECIDE_ROLES or not actor.is_active):
        raise PermissionDenied(_("Your role may not start a sweep."), code="cannot_sweep")
    cutoff = timezone.now() - timedelta(days=days)
    made: list[VerificationTask] = []
    for kind, model in MODELS.items():
        room = limit - len(made)
        if room <= 0:
            break
        rows = model._default_manager.filter(
            Q(verified_at__isnull=True) | Q(verified_at__lt=cutoff)
        )
        if model is Person:
            rows = rows.filter(Q(moved_out__isnull=True))
        if actor is not None:
            rows = rows.visible_to(Scope.under(scope_root(actor)))
        waiting = VerificationTask.objects.filter(
            record_kind=kind, record_id=OuterRef("pk"), source=Source.STALE, status=Status.PENDING
        )
        due = list(
            rows.exclude(Exists(waiting))
            .order_by("verified_at", "pk")
            .values_list("pk", "grid_id")[:room]
        )
        workers = _grid_workers({grid_id for _pk, grid_id in due})
        made.extend(
            VerificationTask(
                record_kind=kind,
                record_id=pk,
                grid_id=grid_id,
                source=Source.STALE,
                fingerprint=_fingerprint(kind, pk, Source.STALE, {}),
                assigned_to=workers.get(grid_id),
            )
            for pk, grid_id in due
        )
    VerificationTask.objects.bulk_create(made, ignore_conflicts=True)
    notices.tasks_assigned(t.assigned_to_id for t in made)
    audit_record(
        actor=actor,
        action="verification.stale_sweep",
        target_type="verification.verificationtask",
        detail={"days": days, "created": len(made)},
    )
    return len(made)


def _proposed_values(task: VerificationTask) -> dict[str, Any]:
    """The task's values typed again; a personal one (the phone) opened from the task's own
    seal only now, to apply it."""
    problems = ProblemList()
    kind = task.record_kind
    raw = {n: v for n, v in task.proposed.items() if not fields.personal(kind, n)}
    values = fields.values_parse(problems, kind, raw) if raw else {}
    for name in task.proposed:
        if fields.personal(kind, name):
            stored = task.sealed.get(name, "")
            values[name] = crypto.decrypt(stored, field=_seal_field(name)) if stored else ""
    problems.raise_if_any(_("The proposal is not valid."))
    return values


def _apply(
    actor: User,
    kind: str,
    record: Provenance,
    values: dict[str, Any],
    *,
    source: str,
    source_time: datetime | None,
) -> None:
    """Write only the decided fields through the registry's partial change, stamped verified."""
    record_change(
        actor=actor,
        kind=kind,
        record=record,
        values=values,
        source=source,
        source_time=source_time,
        verified=True,
    )


def _source_label(task: VerificationTask) -> str:
    return f"{task.source}:{task.batch}"[:64] if task.batch else task.source


@transaction.atomic
def task_decide(
    *,
    actor: User,
    task_id: int,
    decision: str,
    corrected_values: dict[str, Any] | None = None,
    note: str = "",
) -> VerificationTask:
    task = task_get(actor, task_id)
    if actor.role not in DECIDE_ROLES or not actor.is_active:
        raise PermissionDenied(
            _("Your role may not decide verification tasks."), code="cannot_decide"
        )
    task = VerificationTask.objects.select_for_update().select_related("grid").get(pk=task.pk)
    if task.status != Status.PENDING:
        raise Conflict(_("This task has already been decided."), code="already_decided")
    problems = ProblemList()
    values: dict[str, Any] = {}
    if decision not in Decision.ALL:
        problems.add("invalid_decision", _("Decide confirm, correct or reject."), field="decision")
    elif decision == Decision.CORRECT:
        values = fields.values_parse(
            problems, task.record_kind, corrected_values, field="corrected_values"
        )
    problems.raise_if_any(_("The decision is not valid."))
    now = timezone.now()
    if task.record_id is None:
        return _newcomer_decide(actor, task, decision, values, note=note, now=now)
    record = record_get(actor, task.record_kind, task.record_id)
    stale = task.source == Source.STALE
    if decision == Decision.CONFIRM:
        task.status = Status.CONFIRMED
        values = _proposed_values(task)
        source, source_time = (
            (record.source, record.source_time)
            if stale
            else (_source_label(task), task.source_time or task.created_at)
        )
        _apply(actor, task.record_kind, record, values, source=source, source_time=source_time)
    elif decision == Decision.CORRECT:
        task.status = Status.CORRECTED
        _apply(
            actor,
            task.record_kind,
            record,
            values,
            source=registry_selectors.FIELD_CHECK,
            source_time=now,
        )
    else:
        task.status = Status.REJECTED
        if not stale:
            _apply(
                actor,
                task.record_kind,
                record,
                {},
                source=record.source,
                source_time=record.source_time,
            )
    return _decided(actor, task, decision, values, note=note, now=now)


def _decided(
    actor: User,
    task: VerificationTask,
    decision: str,
    values: dict[str, Any],
    *,
    note: str,
    now: datetime,
) -> VerificationTask:
    task.applied = fields.shown_all(task.record_kind, values)
    task.decided_at = now
    task.decided_by = actor
    task.note = crypto.redact(note.strip())
    task.save(update_fields=["status", "applied", "decided_at", "decided_by", "note", "record_id"])
    audit_record(
        actor=actor,
        action="verification.decide",
        target=task,
        detail={
            "decision": decision,
            "kind": task.record_kind,
            "record": task.record_id,
            "applied": task.applied,
        },
    )
    return task


def _newcomer_decide(
    actor: User,
    task: VerificationTask,
    decision: str,
    corrected: dict[str, Any],
    *,
    note: str,
    now: datetime,
) -> VerificationTask:
    """Confirming or correcting a newcomer makes the record; rejecting it makes nothing."""
    values: dict[str, Any] = {}
    if decision == Decision.REJECT:
        task.status = Status.REJECTED
    else:
        values = _proposed_values(task)
        if decision == Decision.CORRECT:
            task.status = Status.CORRECTED
            values.update(corrected)
            source = registry_selectors.FIELD_CHECK
        else:
            task.status = Status.CONFIRMED
            source = _source_label(task)
        task.record_id = _newcomer_create(actor, task, values, source=source, now=now).pk
    return _decided(actor, task, decision, values, note=note, now=now)
