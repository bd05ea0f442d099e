"""Linked command's rows in one subdistrict, for the scope matrix: a centre with its member,
an instruction delivered to a grid worker, a worker sent to an event, a plan with an ended
activation, a shift and a swap asked for."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.command.actions.assign import worker_assign
from gridgov.command.actions.centres import centre_create, member_set
from gridgov.command.actions.instructions import Targets, instruction_fan_out, instruction_send
from gridgov.command.actions.plans import activation_end, activation_start, plan_save
from gridgov.command.actions.rosters import ShiftIn, roster_save, swap_request
from gridgov.command.models import MemberRole, PlanKind, Receipt
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Node


def make_command_targets(
    users: dict[str, User], subdistrict: Node, grid: Node, event: Event
) -> dict[str, int]:
    commander, dispatcher = users["commander"], users["dispatcher"]
    centre = centre_create(actor=commander, name="目标指挥分中心", node=subdistrict)
    member_set(actor=commander, centre=centre, user=dispatcher, role=MemberRole.COMMANDER)
    instruction = instruction_send(
        actor=dispatcher,
        centre=centre,
        title="目标指令",
        due_at=timezone.now() + timedelta(hours=2),
        targets=Targets(grids=[grid.code]),
    )
    instruction_fan_out(instruction_id=instruction.pk)
    plan = plan_save(
        actor=dispatcher,
        centre=centre,
        name="目标预案",
        kind=PlanKind.FLOOD,
        levels={},
        checklist=[],
    )
    activation = activation_start(
        actor=dispatcher, plan=plan, area=subdistrict, level="IV", reason="目标演练"
    )
    activation_end(actor=dispatcher, activation=activation, note="演练结束")
    start = timezone.now() + timedelta(days=1)
    shifts, _gaps = roster_save(
        actor=dispatcher,
        centre=centre,
        start=start,
        end=start + timedelta(hours=12),
        shifts=[
            ShiftIn(user_id=dispatcher.pk, starts_at=start, ends_at=start + timedelta(hours=12))
        ],
    )
    swap = swap_request(actor=dispatcher, shift=shifts[0], to_user=users["community_staff"])
    task = worker_assign(actor=dispatcher, event=event, worker_id=users["grid_worker"].pk)
    return {
        "task": task.pk,
        "centre": centre.pk,
        "instruction": instruction.pk,
        "receipt": Receipt.objects.unscoped().get(instruction=instruction).pk,
        "plan": plan.pk,
        "activation": activation.pk,
        "shift": shifts[0].pk,
        "swap": swap.pk,
    }
