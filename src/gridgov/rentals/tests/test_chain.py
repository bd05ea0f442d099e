"""The rental chain from a rule's hit to rectification, the rules' guards and precision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import TestCase

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.errors import Conflict, PermissionDenied
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.fieldwork.kinds import task_kind
from gridgov.notifications.models import InboxItem
from gridgov.rentals import actions, selectors
from gridgov.rentals.models import CaseHit, RentalCase, RentalRule, RuleRun
from gridgov.rentals.tests.conftest import MakeHome
from gridgov.rentals.workflow import Command, Status
from gridgov.testing.tree import HERE, Tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.django_db


def run(tree: Tree, commander: User) -> RuleRun:
    """Start a run; its task runs at the commit (eagerly, in tests) and finishes it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = actions.rules_run_start(actor=commander, node=tree["320104"])
    return RuleRun.objects.unscoped().get(pk=started.pk)


def test_crowding_flags_only_the_crowded_home(
    tree: Tree, users: dict[str, User], make_home: MakeHome
) -> None:
    crowded = make_home(area="20", people=6)
    make_home(area="100", people=3)
    make_home(area=None, people=9)
    finished = run(tree, users["commander"])
    assert finished.finished_at is not None
    assert finished.homes_done == 3
    cases = RentalCase.objects.unscoped().all()
    assert {c.home_id for c in cases} >= {crowded.pk}
    assert len(cases) == 2  # the crowded one and the one of unknown area with 9 people
    hit = CaseHit.objects.get(case__home=crowded)
    assert hit.rule.code == "crowding"
    assert hit.evidence == {"people": 6, "area": 20.0, "area_per_person": 3.3}


def test_a_second_run_opens_no_second_case(
    tree: Tree, users: dict[str, User], make_home: MakeHome
) -> None:
    make_home(area="20", people=6, tenants=7)
    first = run(tree, users["commander"])
    second = run(tree, users["commander"])
    assert first.cases_opened == 1
    assert second.cases_opened == 0
    case = RentalCase.objects.unscoped().get()
    assert sorted(case.hits.values_list("rule__code", flat=True)) == ["crowding", "turnover"]


def test_the_chain_from_hit_to_rectification(
    tree: Tree, users: dict[str, User], make_home: MakeHome, catalogue: None
) -> None:
    make_home(area="20", people=6)
    run(tree, users["commander"])
    case = RentalCase.objects.unscoped().get()
    with pytest.raises(PermissionDenied):
        actions.case_apply(
            actor=users["grid_worker"], case_id=case.pk, command="verify", expected_version=1
        )
    case = actions.case_apply(
        actor=users["community_staff"], case_id=case.pk, command="verify", expected_version=1
    )
    assert case.status == Status.VERIFYING
    assert InboxItem.objects.filter(recipient=users["grid_worker"]).count() == 1
    task = case.field_task
    assert task is not None
    assert (task.kind, task.target_label, task.grid_id) == (
        "rental_check",
        case.home.address,
        case.grid_id,
    )
    assert task_kind("rental_check").url_for(task.pk) == f"/rentals/tasks/{task.pk}/"  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        actions.case_apply(
            actor=users["community_staff"], case_id=case.pk, command="rectify", expected_version=2
        )
    case = actions.case_apply(
        actor=users["grid_worker"],
        case_id=case.pk,
        command=Command.CONFIRM,
        expected_version=2,
        finding="隔成6间，住11人，楼道充电",
        people_found=11,
        hazards=["overcrowding", "fire"],
    )
    assert case.status == Status.RECTIFYING
    task.refresh_from_db()
    assert task.status == "done"
    assert task.result == {
        "decision": "confirm",
        "people_found": 11,
        "hazards": ["fire", "overcrowding"],
    }
    events = Event.objects.unscoped().filter(address=case.home.address)
    assert sorted(events.values_list("category__code", flat=True)) == ["0404", "0601"]
    assert actions.cases_follow() == 0
    events.filter(category__code="0601").update(status="closed")
    assert actions.cases_follow() == 0
    events.update(status="closed")
    assert actions.cases_follow() == 1
    case.refresh_from_db()
    assert case.status == Status.RECTIFIED
    assert [t.command for t in case.transitions.all()] == [
        "flag",
        "verify",
        "confirm",
        "refer",
        "rectify",
    ]
    precision = {p.rule.code: p for p in selectors.rule_precision(users["commander"])}
    assert (precision["crowding"].suspected, precision["crowding"].confirmed) == (1, 1)
    assert precision["crowding"].precision == 1.0


def test_a_dismissed_home_is_not_flagged_again_soon(
    tree: Tree, users: dict[str, User], make_home: MakeHome
) -> None:
    make_home(area="20", people=6)
    run(tree, users["commander"])
    case = RentalCase.objects.unscoped().get()
    case = actions.case_apply(
        actor=users["community_staff"], case_id=case.pk, command="verify", expected_version=1
    )
    actions.case_apply(
        actor=users["community_staff"], case_id=case.pk, command="dismiss", expected_version=2
    )
    assert case.field_task is not None
    case.field_task.refresh_from_db()
    assert case.field_task.status == "cancelled"
    assert run(tree, users["commander"]).cases_opened == 0
    precision = {p.rule.code: p for p in selectors.rule_precision(users["commander"])}
    assert (precision["crowding"].suspected, precision["crowding"].dismissed) == (1, 1)
    assert precision["crowding"].precision == 0.0


def test_a_rule_flagging_too_many_homes_must_be_confirmed(
    tree: Tree, users: dict[str, User], make_home: MakeHome
) -> None:
    for _ in range(3):
        make_home(area="60", people=3)
    make_home(area="100", people=1)
    args: dict[str, Any] = {
        "actor": make_user("city", Role.DISTRICT_COMMANDER, node=tree["3201"]),
        "code": "crowding",
        "name": "人均面积小于25平方米",
        "kind": "crowding",
        "params": {"min_area_per_person": 25, "min_people": 2},
        "max_share": Decimal("0.5"),
    }
    with pytest.raises(Conflict) as refused:
        actions.rule_save(**args)
    assert refused.value.code == "rule_too_broad"
    assert "4 套房屋中的 3 套" in str(refused.value.message)
    assert RentalRule.objects.get(code="crowding").params["min_area_per_person"] == 5
    actions.rule_save(**args, confirm=True)
    assert RentalRule.objects.get(code="crowding").params["min_area_per_person"] == 25
    finished = run(tree, users["commander"])
    assert finished.warnings == [{"rule": "crowding", "hits": 3, "homes": 4, "max_share": "0.5000"}]


@pytest.mark.parametrize("name", ["dispatcher", "commander"])
def test_only_the_city_commander_changes_rules(users: dict[str, User], name: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.rule_save(
            actor=users[name],
            code="x",
            name="x",
            kind="crowding",
            params={},
            max_share=Decimal("0.1"),
        )


def test_complaints_at_the_address_flag_the_home(
    tree: Tree, users: dict[str, User], make_home: MakeHome, catalogue: None
) -> None:
    noisy, quiet = make_home(), make_home()
    for text in ("深夜喧哗", "楼道垃圾堆积"):
        event_report(
            actor=users["grid_worker"],
            category_code="0702",
            description=text,
            lon=HERE[0],
            lat=HERE[1],
            address=noisy.address,
        )
    event_report(
        actor=users["grid_worker"],
        category_code="0702",
        description="深夜喧哗",
        lon=HERE[0],
        lat=HERE[1],
        address=quiet.address,
    )
    run(tree, users["commander"])
    hit = CaseHit.objects.get()
    assert (hit.case.home_id, hit.rule.code, hit.evidence["complaints"]) == (
        noisy.pk,
        "complaints",
        2,
    )
