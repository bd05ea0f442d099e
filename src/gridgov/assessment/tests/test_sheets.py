"""Assessment sheets with the democratic appraisal, workers' scorecards and staffing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.assessment.actions import appraisal_enter, sheet_items_set
from gridgov.assessment.indicators import INDICATOR_BY_CODE
from gridgov.assessment.models import IndicatorDaily, SheetItem, UnitKind
from gridgov.assessment.sheets import (
    indicator_score,
    sheet,
    worker_cards,
)
from gridgov.assessment.staffing import Factor, recommended, staffing_rows
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.staffing.models import StaffAssignment, StaffKind, StaffMember
from gridgov.testing.tree import Tree

COMMUNITY = "320104001001"
NOV = date(2026, 11, 1)


def test_items_score_on_0_to_100_best_high() -> None:
    assert indicator_score(INDICATOR_BY_CODE["closure_rate"], 0.8) == pytest.approx(80)
    assert indicator_score(INDICATOR_BY_CODE["rework_rate"], 0.1) == pytest.approx(90)
    assert indicator_score(INDICATOR_BY_CODE["satisfaction"], 4.0) == pytest.approx(75)


def test_the_sheet_weighs_indicators_and_the_appraisal(tree: Tree, users: dict[str, User]) -> None:
    IndicatorDaily.objects.create(
        day=date(2026, 11, 5), unit_kind=UnitKind.NODE, node=tree[COMMUNITY],
        reported=10, reported_closed=8,
    )  # fmt: skip
    appraisal_enter(
        actor=users["community_staff"], code=COMMUNITY, period="month", start=NOV,
        score=Decimal("90"),
    )  # fmt: skip
    got = sheet(users["commander"], unit_kind="node", code=COMMUNITY, period="month", start=NOV)
    scored = {ln.code: ln.score for ln in got.lines if ln.score is not None}
    # closure 80 (weight 25) and appraisal 90 (weight 20): (25 × 80 + 20 × 90) ÷ 45
    assert scored == {"closure_rate": pytest.approx(80.0), "appraisal": 90.0}
    assert got.total == pytest.approx((25 * 80 + 20 * 90) / 45)


def test_only_the_community_enters_its_appraisal(users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        appraisal_enter(
            actor=users["dispatcher"], code=COMMUNITY, period="month", start=NOV, score=Decimal(80)
        )
    with pytest.raises(InvalidInput):
        appraisal_enter(
            actor=users["community_staff"], code=COMMUNITY, period="month", start=NOV,
            score=Decimal(120),
        )  # fmt: skip


def test_sheet_weights_must_add_up(tree: Tree) -> None:
    from gridgov.accounts.roles import Role
    from gridgov.testing.users import make_user

    city = make_user("cc", Role.DISTRICT_COMMANDER, node=tree["3201"])
    with pytest.raises(InvalidInput) as refused:
        sheet_items_set(
            actor=city, unit_kind="node",
            weights={"closure_rate": Decimal(50), "appraisal": Decimal(30)},
        )  # fmt: skip
    assert refused.value.problems[0].code == "weights_sum"
    assert SheetItem.objects.filter(unit_kind="node").count() == 6
    sheet_items_set(
        actor=city, unit_kind="node",
        weights={"closure_rate": Decimal(70), "appraisal": Decimal(30)},
    )  # fmt: skip
    assert SheetItem.objects.filter(unit_kind="node").count() == 2


def test_worker_cards_count_each_workers_reports(users: dict[str, User], client_for: Any) -> None:
    _window, sources, cards = worker_cards(users["commander"], period="month", start=NOV)
    assert {s.code for s in sources} >= {"events_reported", "verified", "satisfaction"}
    assert [c.worker.username for c in cards] == ["gw"]
    page = client_for("commander").get("/assessment/workers/?start=2026-11-01")
    assert page.status_code == 200


def test_recommended_workers_by_hand() -> None:
    # 3,000 people ÷ 1,500 = 2 (weight 40); 500 homes ÷ 500 = 1 (20); 40 venues ÷ 80 = 0.5
    # (15); 60 events ÷ 40 = 1.5 (25): (80 + 20 + 7.5 + 37.5) ÷ 100 = 1.45 → 2
    factors = [
        Factor("population", 1500, 40), Factor("homes", 500, 20),
        Factor("venues", 80, 15), Factor("events", 40, 25),
    ]  # fmt: skip
    loads = {"population": 3000.0, "homes": 500.0, "venues": 40.0, "events": 60.0}
    assert recommended(loads, factors) == 2
    assert recommended({}, factors) == 1


def test_staffing_rows_count_the_staff(tree: Tree) -> None:
    grid = tree["320104001001001"]
    staff = StaffMember.objects.create(
        name="张三", kind=StaffKind.FULL_TIME, home_node=tree["320104001001"]
    )
    StaffAssignment.objects.create(staff=staff, grid=grid)
    (row,) = staffing_rows([grid.pk], NOV)
    assert (row.staff, row.recommended, row.gap) == (1, 1, 0)
    assert row.loads["population"] == 1000


def test_field_tasks_count_on_the_workers_card(tree: Tree, users: dict[str, User]) -> None:
    from django.utils import timezone

    from gridgov.fieldwork.actions import field_task_complete, field_task_create

    worker = users["grid_worker"]
    task = field_task_create(
        actor=users["community_staff"], kind="assigned", title="查看3栋楼道堆物",
        grid=tree["320104001001001"], assignee=worker,
    )  # fmt: skip
    field_task_complete(actor=worker, task=task)
    today = timezone.localdate()
    _window, _sources, cards = worker_cards(users["commander"], period="day", start=today)
    (card,) = cards
    assert card.values["field_tasks_done"] == 1.0
    assert card.values["field_tasks_on_time"] == 100.0
