"""Instructions (指令/通知): send, fan out to one receipt per addressee, acknowledge and report
back, remind, and escalate the urgent ones left unacknowledged.

Sending writes the instruction and queues its fan-out (gridgov.command.fan_out) in the same
transaction. The fan-out resolves the addressees and delivers them in big batches: each batch
inserts its receipts (unique per instruction and account) already stamped `delivered_at`
with the batch's own moment, and writes one notice with the inbox rows of exactly the
receipts that insert added, in one transaction (ADR 0037). A worker killed mid-way loses at
most an uncommitted batch, which the redelivered task does again; a committed receipt is
never inserted, so never delivered, twice. One audit row records the whole fan-out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.command import notices
from gridgov.command.actions.common import require_member
from gridgov.command.models import (
    Activation,
    CentreKind,
    CommandCentre,
    Instruction,
    Priority,
    Receipt,
    ReceiptStatus,
)
from gridgov.command.selectors import members_of, on_duty, receipt_mine, receipts_of
from gridgov.command.workflow import STATES, TRANSITIONS, UNACKNOWLEDGED, ReceiptCommand
from gridgov.core.errors import Conflict, ProblemList
from gridgov.core.scope import Scope
from gridgov.events.duty import in_office_hours
from gridgov.events.photos import Upload, photos_checked
from gridgov.jurisdiction.models import Level, Node
from gridgov.tasks.actions import task_enqueue

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

FAN_OUT_TASK = "gridgov.command.fan_out"
MAX_ACK_MINUTES = 7 * 24 * 60


def fan_out_batch_size() -> int:
    return int(getattr(settings, "COMMAND_FAN_OUT_BATCH", 5000))


@dataclass
class Targets:
    """What a sender chose; each part is checked against the reach before anything is sent."""

    centres: list[int] = field(default_factory=list)
    grids: list[str] = field(default_factory=list)
    users: list[int] = field(default_factory=list)
    area: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "centres": self.centres,
            "grids": self.grids,
            "users": self.users,
            "area": self.area,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Targets:
        return cls(
            centres=list(data.get("centres", [])),
            grids=list(data.get("grids", [])),
            users=list(data.get("users", [])),
            area=str(data.get("area", "")),
        )

    def empty(self) -> bool:
        return not (self.centres or self.grids or self.users or self.area)


def targets_checked(reach: Scope, targets: Targets, problems: ProblemList) -> None:
    """Every addressee inside the reach; one problem per one outside it (or unknown)."""
    if targets.empty():
        problems.add("no_addressees", _("Choose at least one addressee."), field="targets")
    found = set(
        CommandCentre.objects.visible_to(reach)
        .filter(pk__in=targets.centres)
        .values_list("pk", flat=True)
    )
    for centre_id in set(targets.centres) - found:
        problems.add(
            "outside_reach",
            _("The centre is not one this centre may command."),
            field="targets.centres",
            item=str(centre_id),
        )
    grids = set(
        Node.objects.visible_to(reach)
        .filter(code__in=targets.grids, level=Level.GRID)
        .values_list("code", flat=True)
    )
    for code in set(targets.grids) - grids:
        problems.add(
            "outside_reach",
            _("The grid is not one this centre may command."),
            field="targets.grids",
            item=code,
        )
    users = set(
        User.objects.visible_to(reach).filter(pk__in=targets.users).values_list("pk", flat=True)
    )
    for user_id in set(targets.users) - users:
        problems.add(
            "outside_reach",
            _("The account is not one this centre may command."),
            field="targets.users",
            item=str(user_id),
        )
    if targets.area and not Node.objects.visible_to(reach).filter(code=targets.area).exists():
        problems.add(
            "outside_reach",
            _("The area is outside what this centre may command."),
            field="targets.area",
            item=targets.area,
        )


def _centre_people(
    target: CommandCentre, accounts: QuerySet[User], urgent: bool, at: datetime
) -> list[int]:
    """A centre's addressees: its members (and a department centre's handlers); for an urgent
    instruction also whoever is on duty there, and out of office hours only they, when
    anyone is."""
    people = list(members_of(target).values_list("user_id", flat=True))
    if target.kind == CentreKind.DEPARTMENT and target.department_id:
        people += accounts.filter(department_id=target.department_id).values_list("pk", flat=True)
    if not urgent:
        return people
    duty = [
        user_id
        for user_id in on_duty(Scope.under(target.node), at)
        .filter(centre=target)
        .values_list("user_id", flat=True)
    ]
    if duty and not in_office_hours(at):
        return duty
    return people + duty


def addressees(
    centre: CommandCentre, targets: Targets, *, urgent: bool = False, at: datetime | None = None
) -> dict[int, str]:
    """Each addressed account and the unit it is addressed as (first named wins): a centre's
    people (_centre_people), a grid's workers, the named accounts, an area's every grid
    worker. Read within the sender's area only."""
    at = at or timezone.now()
    area = Scope.under(centre.node)
    found: dict[int, str] = {}
    accounts = User.objects.visible_to(area).filter(is_active=True)
    for target in CommandCentre.objects.visible_to(area).filter(pk__in=targets.centres):
        for user_id in _centre_people(target, accounts, urgent, at):
            found.setdefault(user_id, target.name)
    grid_workers = accounts.filter(role=Role.GRID_WORKER)
    for user_id, name in grid_workers.filter(node__code__in=targets.grids).values_list(
        "pk", "node__name"
    ):
        found.setdefault(user_id, name)
    for user_id, name in accounts.filter(pk__in=targets.users).values_list("pk", "node__name"):
        found.setdefault(user_id, name or "")
    if targets.area:
        area_node = Node.objects.visible_to(area).filter(code=targets.area).first()
        if area_node is not None:
            for user_id, name in (
                User.objects.visible_to(Scope.under(area_node))
                .filter(is_active=True, role=Role.GRID_WORKER)
                .values_list("pk", "node__name")
            ):
                found.setdefault(user_id, name)
    return found


def _checked_text(title: str, ack_minutes: int, due_at: datetime, problems: ProblemList) -> None:
    if not title.strip():
        problems.add("required", _("Give a title."), field="title")
    if len(title) > 200:
        problems.add("too_long", _("The title is 200 characters at most."), field="title")
    if not 1 <= ack_minutes <= MAX_ACK_MINUTES:
        problems.add(
            "bad_limit",
            _("The time to acknowledge is from 1 minute to 7 days."),
            field="ack_minutes",
        )
    if due_at <= timezone.now():
        problems.add("due_in_past", _("The deadline has passed already."), field="due_at")


def instruction_write(
    *,
    actor: User,
    centre: CommandCentre,
    title: str,
    body: str,
    priority: str,
    due_at: datetime,
    ack_minutes: int,
    targets: Targets,
    reach: Scope,
    activation: Activation | None = None,
) -> Instruction:
    """Check and write an instruction within `reach`, and queue its fan-out (the caller is
    atomic and has checked the actor's right)."""
    problems = ProblemList()
    _checked_text(title, ack_minutes, due_at, problems)
    if priority not in Priority.values:
        problems.add("bad_priority", _("Choose a priority."), field="priority")
    targets_checked(reach, targets, problems)
    problems.raise_if_any(_("The instruction cannot be sent."))
    now = timezone.now()
    instruction = Instruction.objects.create(
        centre=centre,
        activation=activation,
        title=title.strip(),
        body=body.strip(),
        priority=priority,
        targets=targets.as_json(),
        due_at=due_at,
        ack_due_at=now + timedelta(minutes=ack_minutes),
        sent_by=actor,
        sent_at=now,
    )
    audit_record(
        actor=actor,
        action="command.instruction_send",
        target=instruction,
        detail={
            "centre": centre.pk,
            "priority": priority,
            "targets": targets.as_json(),
            "activation": activation.pk if activation else None,
        },
    )
    task_enqueue(task=FAN_OUT_TASK, instruction_id=instruction.pk)
    return instruction


@transaction.atomic
def instruction_send(
    *,
    actor: User,
    centre: CommandCentre,
    title: str,
    body: str = "",
    priority: str = Priority.NORMAL,
    due_at: datetime,
    ack_minutes: int = 60,
    targets: Targets,
) -> Instruction:
    """An instruction of a centre to chosen units, grids, accounts or a whole area, all
    inside the centre's own area."""
    require_member(actor, centre)
    return instruction_write(
        actor=actor,
        centre=centre,
        title=title,
        body=body,
        priority=priority,
        due_at=due_at,
        ack_minutes=ack_minutes,
        targets=targets,
        reach=Scope.under(centre.node),
    )


def instruction_fan_out(*, instruction_id: int) -> int:
    """Resolve the addressees and deliver to each once; the number delivered by this run.
    Safe to run twice, side by side, and to be killed anywhere (see the module docstring)."""
    instruction = (
        Instruction.objects.unscoped()
        .select_related("centre", "centre__node")
        .get(pk=instruction_id)
    )
    found = addressees(
        instruction.centre,
        Targets.from_json(instruction.targets),
        urgent=instruction.priority == Priority.URGENT,
    )
    size = fan_out_batch_size()
    ids = sorted(found)
    delivered = batches = 0
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        count = _deliver_batch(instruction, {user_id: found[user_id] for user_id in chunk})
        delivered += count
        batches += bool(count)
    finished = (
        Instruction.objects.unscoped()
        .filter(pk=instruction.pk, fanned_out_at__isnull=True)
        .update(fanned_out_at=timezone.now())
    )
    if delivered or finished:
        # One row for the whole fan-out (the send has its own), never one per addressee.
        audit_record(
            actor=None,
            action="command.instruction_delivered",
            target=instruction,
            detail={"delivered": delivered, "batches": batches, "addressees": len(ids)},
        )
    return delivered


@transaction.atomic
def _deliver_batch(instruction: Instruction, chunk: dict[int, str]) -> int:
    """Insert the chunk's receipts already delivered and give the inbox rows to exactly those
    this insert added: a receipt another run committed (or is committing: the unique pair
    waits for it) is skipped with its inbox row."""
    added = RECEIPT_INSERTS.get(connection.vendor, _insert_receipts_portable)(
        instruction, chunk, timezone.now()
    )
    if added:
        notices.delivered(instruction, added[0], added)
    return len(added)


def _insert_receipts_postgres(
    instruction: Instruction, chunk: dict[int, str], stamp: datetime
) -> list[int]:
    """One INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING RETURNING: the accounts
    whose receipts it added, with no model built per row (15,000 took seconds of CPU)."""
    table = connection.ops.quote_name(Receipt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (instruction_id, recipient_id, unit, status, delivered_at, "  # noqa: S608 (the model's own table name)
            "pending_at, note, photo, reminders) "
            "SELECT %s, r, u, %s, %s, %s, '', '', 0 "
            "FROM unnest(%s::bigint[], %s::text[]) AS t(r, u) "
            "ON CONFLICT (instruction_id, recipient_id) DO NOTHING RETURNING recipient_id",
            [
                instruction.pk,
                ReceiptStatus.PENDING,
                stamp,
                stamp,
                list(chunk),
                [unit[:100] for unit in chunk.values()],
            ],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _insert_receipts_portable(
    instruction: Instruction, chunk: dict[int, str], stamp: datetime
) -> list[int]:
    """The receipts inserted stamped with the batch's own moment, then read back by it:
    those carrying it are exactly the ones this insert added."""
    Receipt.objects.bulk_create(
        [
            Receipt(
                instruction=instruction,
                recipient_id=user_id,
                unit=unit[:100],
                delivered_at=stamp,
            )
            for user_id, unit in chunk.items()
        ],
        ignore_conflicts=True,
    )
    return sorted(
        Receipt.objects.unscoped()
        .filter(instruction=instruction, recipient_id__in=list(chunk), delivered_at=stamp)
        .values_list("recipient_id", flat=True)
    )


# By database vendor; any other takes the portable path.
RECEIPT_INSERTS: dict[str, Callable[[Instruction, dict[int, str], datetime], list[int]]] = {
    "postgresql": _insert_receipts_postgres,
}


@transaction.atomic
def receipt_apply(
    *,
    actor: User,
    receipt_id: int,
    command: str,
    note: str = "",
    photos: list[Upload] | None = None,
) -> Receipt:
    """The addressee acknowledges (已收到) or reports it carried out (已落实, with a note and
    at most one photo). Anyone not addressed gets not-found; a step the receipt's state does
    not allow, a conflict."""
    receipt_mine(actor, receipt_id)
    receipt = Receipt.objects.unscoped().select_for_update().get(pk=receipt_id)
    if command not in ReceiptCommand.values:
        raise Conflict(_("Unknown step."), code="unknown_command")
    step = ReceiptCommand(command)
    after = TRANSITIONS.get((ReceiptStatus(receipt.status), step))
    if after is None:
        raise Conflict(
            _("The instruction is already %(status)s.") % {"status": receipt.get_status_display()},
            code="receipt_state",
        )
    problems = ProblemList()
    if step == ReceiptCommand.REPORT and not note.strip():
        problems.add("required", _("Say what was done."), field="note")
    checked = photos_checked(photos or [], problems)
    if len(checked) > 1:
        problems.add("too_many_photos", _("Send one photo."), field="photos")
    problems.raise_if_any(_("The step cannot be saved."))
    now = timezone.now()
    updates: dict[str, Any] = {"status": after, STATES[after].stamp: now}
    if step == ReceiptCommand.REPORT:
        updates["note"] = note.strip()
        if after == ReceiptStatus.DONE and receipt.acknowledged_at is None:
            updates["acknowledged_at"] = now
    for name, value in updates.items():
        setattr(receipt, name, value)
    if checked:
        photo = checked[0]
        receipt.photo.save(
            f"{receipt.pk}.{photo.extension}", ContentFile(photo.content), save=False
        )
        updates["photo"] = receipt.photo
    receipt.save(update_fields=list(updates))
    audit_record(
        actor=actor,
        action=f"command.receipt_{step}",
        target=receipt,
        detail={"instruction": receipt.instruction_id, "status": after},
    )
    return receipt


@transaction.atomic
def instruction_remind(*, actor: User, instruction: Instruction) -> int:
    """Remind every addressee who has not acknowledged; the number reminded."""
    require_member(actor, instruction.centre)
    waiting = list(receipts_of(instruction, unacknowledged=True).filter(delivered_at__isnull=False))
    if not waiting:
        return 0
    round_ = max(r.reminders for r in waiting) + 1
    Receipt.objects.unscoped().filter(pk__in=[r.pk for r in waiting]).update(reminders=round_)
    notices.reminded(instruction, round_, [r.recipient_id for r in waiting])
    audit_record(
        actor=actor,
        action="command.instruction_remind",
        target=instruction,
        detail={"reminded": len(waiting), "round": round_},
    )
    return len(waiting)


def instructions_escalate(now: datetime | None = None) -> int:
    """Each urgent instruction past its time to acknowledge with addressees still silent goes
    to the centre above (or the centre's own commanders at the top), once: `escalated_at` is
    claimed by a conditional UPDATE, so overlapping sweeps escalate it once."""
    now = now or timezone.now()
    due = (
        Instruction.objects.unscoped()
        .filter(priority=Priority.URGENT, escalated_at__isnull=True, ack_due_at__lt=now)
        .filter(receipts__status__in=UNACKNOWLEDGED)
        .distinct()
        .values_list("pk", flat=True)
    )
    escalated = 0
    for instruction_id in list(due):
        escalated += _escalate_one(instruction_id, now)
    return escalated


@transaction.atomic
def _escalate_one(instruction_id: int, now: datetime) -> int:
    claimed = (
        Instruction.objects.unscoped()
        .filter(pk=instruction_id, escalated_at__isnull=True)
        .update(escalated_at=now)
    )
    if not claimed:
        return 0
    instruction = (
        Instruction.objects.unscoped()
        .select_related("centre", "centre__parent")
        .get(pk=instruction_id)
    )
    missing = receipts_of(instruction, unacknowledged=True).count()
    above = instruction.centre.parent or instruction.centre
    recipients: Iterable[int] = members_of(above).values_list("user_id", flat=True)
    notices.escalated(instruction, [*recipients, instruction.sent_by_id], missing)
    audit_record(
        actor=None,
        action="command.instruction_escalate",
        target=instruction,
        detail={"missing": missing, "to_centre": above.pk},
    )
    return 1
