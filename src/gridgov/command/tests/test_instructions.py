from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.command.actions.instructions import (
    Targets,
    instruction_fan_out,
    instruction_remind,
    instruction_send,
    instructions_escalate,
    receipt_apply,
)
from gridgov.command.models import Instruction, Priority, Receipt, ReceiptStatus
from gridgov.command.notices import ESCALATED, INSTRUCTION
from gridgov.command.selectors import instruction_counts
from gridgov.command.tests.conftest import DISTRICT_GRIDS, Centres
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.notifications.models import InboxItem

pytestmark = pytest.mark.django_db


def send(centres: Centres, actor: User, on_commit: Any, **overrides: Any) -> Instruction:
    args: dict[str, Any] = {
        "actor": actor,
        "centre": centres.district,
        "title": "今晚防汛巡查",
        "body": "各网格巡查低洼地段",
        "due_at": timezone.now() + timedelta(hours=6),
        "targets": Targets(area="320104"),
        **overrides,
    }
    with on_commit():
        return instruction_send(**args)


def inbox_of(user: User) -> int:
    return InboxItem.objects.filter(recipient=user, notice__kind=INSTRUCTION).count()


def test_an_area_instruction_reaches_every_grid_worker_once(
    centres: Centres, loop_users: dict[str, User], on_commit: Any
) -> None:
    instruction = send(centres, loop_users["commander"], on_commit)
    instruction.refresh_from_db()
    assert instruction.fanned_out_at is not None
    assert instruction_counts(instruction) == {"pending": 4, "total": 4}
    assert all(inbox_of(worker) == 1 for worker in centres.workers.values())
    # A redelivered task adds nothing.
    assert instruction_fan_out(instruction_id=instruction.pk) == 0
    assert all(inbox_of(worker) == 1 for worker in centres.workers.values())


def test_small_batches_deliver_each_once(
    centres: Centres, loop_users: dict[str, User], on_commit: Any, settings: Any
) -> None:
    settings.COMMAND_FAN_OUT_BATCH = 1
    instruction = send(centres, loop_users["commander"], on_commit)
    assert Receipt.objects.unscoped().filter(delivered_at__isnull=True).count() == 0
    assert [inbox_of(w) for w in centres.workers.values()] == [1, 1, 1, 1]
    assert instruction_counts(instruction)["total"] == 4


def test_units_grids_and_people_resolve_to_their_accounts(
    centres: Centres, loop_users: dict[str, User], on_commit: Any
) -> None:
    targets = Targets(
        centres=[centres.north.pk, centres.fire.pk],
        grids=[DISTRICT_GRIDS[2]],
        users=[loop_users["community_staff"].pk],
    )
    instruction = send(centres, loop_users["commander"], on_commit, targets=targets)
    units = dict(
        Receipt.objects.unscoped()
        .filter(instruction=instruction)
        .values_list("recipient__username", "unit")
    )
    assert units == {
        "sd": "北街道分中心",
        "fh": "消防分中心",
        "gw3": "秦淮区南街道一社区第1网格",
        "cs": "秦淮区北街道一社区",
    }


def test_an_addressee_outside_the_area_is_refused(
    centres: Centres, loop_users: dict[str, User], on_commit: Any, users: dict[str, User]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        send(
            centres,
            loop_users["dispatcher"],
            on_commit,
            centre=centres.north,
            targets=Targets(grids=[DISTRICT_GRIDS[2]], users=[users["sibling_commander"].pk]),
        )
    assert [p.code for p in caught.value.problems] == ["outside_reach", "outside_reach"]
    assert not Instruction.objects.unscoped().exists()


def test_only_a_member_sends(centres: Centres, users: dict[str, User], on_commit: Any) -> None:
    with pytest.raises(PermissionDenied):
        send(centres, users["analyst"], on_commit)


def test_acknowledge_then_report_with_a_note(
    centres: Centres, loop_users: dict[str, User], on_commit: Any
) -> None:
    instruction = send(centres, loop_users["commander"], on_commit)
    worker = loop_users["grid_worker"]
    receipt = Receipt.objects.unscoped().get(instruction=instruction, recipient=worker)
    receipt = receipt_apply(actor=worker, receipt_id=receipt.pk, command="acknowledge")
    assert receipt.status == ReceiptStatus.ACKNOWLEDGED
    assert receipt.acknowledged_at
    with pytest.raises(Conflict):
        receipt_apply(actor=worker, receipt_id=receipt.pk, command="acknowledge")
    with pytest.raises(InvalidInput):
        receipt_apply(actor=worker, receipt_id=receipt.pk, command="report")
    receipt = receipt_apply(
        actor=worker, receipt_id=receipt.pk, command="report", note="已巡查3处低洼点"
    )
    assert receipt.status == ReceiptStatus.DONE
    assert receipt.note == "已巡查3处低洼点"


def test_someone_not_addressed_cannot_acknowledge(
    centres: Centres, loop_users: dict[str, User], on_commit: Any
) -> None:
    instruction = send(centres, loop_users["commander"], on_commit)
    receipt = Receipt.objects.unscoped().get(
        instruction=instruction, recipient=loop_users["grid_worker"]
    )
    with pytest.raises(NotFound) as caught:
        receipt_apply(
            actor=centres.workers[DISTRICT_GRIDS[1]], receipt_id=receipt.pk, command="acknowledge"
        )
    assert caught.value.code == "not_addressed"


def test_remind_reaches_only_the_silent(
    centres: Centres, loop_users: dict[str, User], on_commit: Any
) -> None:
    instruction = send(centres, loop_users["commander"], on_commit)
    worker = loop_users["grid_worker"]
    receipt = Receipt.objects.unscoped().get(instruction=instruction, recipient=worker)
    receipt_apply(actor=worker, receipt_id=receipt.pk, command="acknowledge")
    assert instruction_remind(actor=loop_users["commander"], instruction=instruction) == 3
    assert inbox_of(worker) == 1
    assert inbox_of(centres.workers[DISTRICT_GRIDS[1]]) == 2


def test_an_unacknowledged_urgent_instruction_escalates_once(
    centres: Centres, loop_users: dict[str, User], on_commit: Any
) -> None:
    dispatcher = loop_users["dispatcher"]
    instruction = send(
        centres,
        dispatcher,
        on_commit,
        centre=centres.north,
        priority=Priority.URGENT,
        ack_minutes=10,
        targets=Targets(grids=[DISTRICT_GRIDS[0]]),
    )
    assert instructions_escalate(timezone.now()) == 0
    later = timezone.now() + timedelta(minutes=11)
    assert instructions_escalate(later) == 1
    assert instructions_escalate(later) == 0
    commander = loop_users["commander"]
    escalated = InboxItem.objects.filter(recipient=commander, notice__kind=ESCALATED)
    assert escalated.count() == 1
    instruction.refresh_from_db()
    assert instruction.escalated_at == later
