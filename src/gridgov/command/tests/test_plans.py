"""Activation → direct dispatch skipping levels → deactivation, and the reach ending with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.command.actions.instructions import Targets
from gridgov.command.actions.plans import (
    activation_end,
    activation_start,
    activations_expire,
    order_send,
    plan_save,
)
from gridgov.command.models import Activation, EmergencyPlan, PlanKind, Receipt
from gridgov.command.selectors import hq_reach
from gridgov.command.tests.conftest import DISTRICT_GRIDS, Centres
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.events.workflow import Command, Status
from gridgov.testing.loop import Report, apply
from gridgov.testing.tree import Tree

pytestmark = pytest.mark.django_db

GRID = DISTRICT_GRIDS[0]


@pytest.fixture
def plan(centres: Centres, loop_users: dict[str, User]) -> EmergencyPlan:
    return plan_save(
        actor=loop_users["commander"],
        centre=centres.district,
        name="秦淮区防汛防台预案",
        kind=PlanKind.FLOOD,
        levels={
            "II": {
                "units": [centres.north.pk, centres.fire.pk],
                "instructions": [{"title": "启动Ⅱ级防汛响应", "body": "各单位到岗值守"}],
            }
        },
        checklist=["检查泵站", "转移低洼住户"],
        duration_hours=12,
        order_limit_minutes=15,
    )


def order(centres: Centres, actor: User, on_commit: Any, **overrides: Any) -> Any:
    args: dict[str, Any] = {
        "actor": actor,
        "centre": centres.district,
        "title": "立即排查积水点",
        "targets": Targets(grids=[GRID]),
        **overrides,
    }
    with on_commit():
        return order_send(**args)


def test_hq_mode_orders_a_grid_directly_and_the_reach_ends_on_deactivation(
    centres: Centres,
    loop_users: dict[str, User],
    plan: EmergencyPlan,
    report: Report,
    tree: Tree,
    on_commit: Any,
) -> None:
    commander = loop_users["commander"]
    # Normal operation: level by level, the grid cannot be ordered from the district.
    with pytest.raises(InvalidInput) as caught:
        order(centres, commander, on_commit)
    assert [p.code for p in caught.value.problems] == ["skips_levels"]
    assert hq_reach(centres.district) is None

    with on_commit():
        activation = activation_start(
            actor=commander, plan=plan, area=tree["320104"], level="II", reason="台风“梅花”过境"
        )
    # The plan's pre-written instruction went to its units, urgent and on the record.
    pre = Receipt.objects.unscoped().filter(instruction__activation=activation)
    assert set(pre.values_list("recipient__username", flat=True)) == {"sd", "fh"}
    assert hq_reach(centres.district) is not None

    event = apply(loop_users, report(), Command.REGISTER)
    given = order(centres, commander, on_commit, event_number=event.number)
    event.refresh_from_db()
    assert event.status == Status.DISPATCHED
    assert event.owner.code == GRID
    assert given.activation == activation
    assert Receipt.objects.unscoped().get(instruction=given).recipient == loop_users["grid_worker"]
    assert given.ack_due_at - given.sent_at == timedelta(minutes=15)

    ended = activation_end(actor=commander, activation=activation, note="台风已过境，解除响应")
    assert ended.ended_by == commander
    report_ = ended.report
    assert [o["title"] for o in report_["orders"]] == ["启动Ⅱ级防汛响应", "立即排查积水点"]
    assert report_["events_raised"] == 1
    assert report_["addressees"] == 3
    assert [t["what"] for t in report_["timeline"]] == ["activated", "order", "order", "ended"]

    # Back to normal: the wider reach is gone, the level below still answers.
    assert hq_reach(centres.district) is None
    with pytest.raises(InvalidInput):
        order(centres, commander, on_commit)
    normal = order(centres, commander, on_commit, targets=Targets(centres=[centres.north.pk]))
    assert normal.activation is None
    actions = AuditEntry.objects.filter(action__startswith="command.activation").values_list(
        "action", flat=True
    )
    assert list(actions.order_by("id")) == ["command.activation_start", "command.activation_end"]


def test_an_order_outside_the_activation_area_is_refused(
    centres: Centres, loop_users: dict[str, User], plan: EmergencyPlan, tree: Tree, on_commit: Any
) -> None:
    commander = loop_users["commander"]
    with on_commit():
        activation_start(
            actor=commander, plan=plan, area=tree["320104001"], level="II", reason="北街道内涝"
        )
    order(centres, commander, on_commit)
    with pytest.raises(InvalidInput) as caught:
        order(centres, commander, on_commit, targets=Targets(grids=[DISTRICT_GRIDS[2]]))
    assert [p.code for p in caught.value.problems] == ["outside_reach"]


def test_only_a_commanding_role_activates(
    centres: Centres, loop_users: dict[str, User], plan: EmergencyPlan, tree: Tree
) -> None:
    with pytest.raises(PermissionDenied) as caught:
        activation_start(
            actor=loop_users["grid_worker"], plan=plan, area=tree["320104"], level="II", reason="x"
        )
    assert caught.value.code == "activation_forbidden"
    with pytest.raises(PermissionDenied):
        activation_start(
            actor=loop_users["dispatcher"], plan=plan, area=tree["320104"], level="II", reason="x"
        )


def test_an_area_outside_the_centre_and_a_second_activation_are_refused(
    centres: Centres, loop_users: dict[str, User], plan: EmergencyPlan, tree: Tree, on_commit: Any
) -> None:
    commander = loop_users["commander"]
    with pytest.raises(InvalidInput):
        activation_start(actor=commander, plan=plan, area=tree["320105"], level="II", reason="x")
    with on_commit():
        activation_start(actor=commander, plan=plan, area=tree["320104"], level="IV", reason="x")
    with pytest.raises(Conflict):
        activation_start(actor=commander, plan=plan, area=tree["320104"], level="IV", reason="x")


def test_the_reach_stops_at_the_planned_end_and_the_sweep_records_the_end(
    centres: Centres, loop_users: dict[str, User], plan: EmergencyPlan, tree: Tree, on_commit: Any
) -> None:
    with on_commit():
        activation = activation_start(
            actor=loop_users["commander"], plan=plan, area=tree["320104"], level="IV", reason="x"
        )
    after = timezone.now() + timedelta(hours=13)
    assert hq_reach(centres.district, after) is None
    assert activations_expire(after) == 1
    assert activations_expire(after) == 0
    activation = Activation.objects.unscoped().get(pk=activation.pk)
    assert activation.ended_at == after
    assert activation.ended_by is None
    assert activation.end_note
    assert activation.report["timeline"][-1]["what"] == "ended"
