from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.assessment.models import IndicatorDaily, UnitKind
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.departments.models import Department
from gridgov.insight.actions import (
    figure_enter,
    figures_refresh,
    index_compute,
    index_define,
    notice_step,
    notices_draft,
    notices_sweep,
)
from gridgov.insight.indices import ComponentSpec
from gridgov.insight.models import (
    Direction,
    FigureKind,
    Index,
    IndexComponent,
    IndexValue,
    MonthlyFigure,
    NodeMonth,
    Normalisation,
    NoticeStatus,
    PromptNotice,
)
from gridgov.insight.tests.conftest import SUBDISTRICT, put
from gridgov.insight.workflow import NoticeCommand
from gridgov.notifications.models import InboxItem
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

NOV = date(2026, 11, 1)


def test_index_computed_per_area_as_worked_by_hand(tree: Tree, index: Index) -> None:
    put(tree, SUBDISTRICT, NOV, closure_rate=90, events_per_1000=4, figure__crime=6)
    put(tree, "320104002", NOV, closure_rate=60, events_per_1000=20, figure__crime=2)
    put(tree, "320105001", NOV, figure__crime=10)
    assert index_compute(index, NOV) == 3
    value = IndexValue.objects.unscoped().get(index=index, node=tree[SUBDISTRICT], month=NOV)
    assert value.value == pytest.approx(71.5)
    assert value.components["figure:crime"]["score"] == pytest.approx(50.0)
    # 320104002: closure 0, events 0, crime best (2 of 2–10) 100 → 20 × 100 ÷ 100 = 20
    other = IndexValue.objects.unscoped().get(index=index, node=tree["320104002"], month=NOV)
    assert other.value == pytest.approx(20.0)
    # The index is a measure of the panorama too.
    shown = NodeMonth.objects.unscoped().get(
        node=tree[SUBDISTRICT], month=NOV, measure="index:safety"
    )
    assert shown.value == pytest.approx(71.5)
    # Computing again replaces, never adds.
    index_compute(index, NOV)
    assert IndexValue.objects.unscoped().filter(index=index, month=NOV).count() == 3


def test_a_definition_whose_weights_do_not_add_up_writes_nothing(index: Index) -> None:
    with pytest.raises(InvalidInput):
        index_define(
            actor=None,
            code="safety",
            name="changed",
            levels=[3],
            components=[
                ComponentSpec("closure_rate", Direction.HIGHER_BETTER, 60, Normalisation.PEERS),
                ComponentSpec("events_per_1000", Direction.LOWER_BETTER, 30, Normalisation.PEERS),
            ],
        )
    index.refresh_from_db()
    assert index.name == "平安稳定指数"
    assert IndexComponent.objects.filter(index=index).count() == 3


def test_figures_come_from_the_daily_counts_and_the_tree(tree: Tree) -> None:
    for day, reported, closed in ((date(2026, 11, 3), 6, 4), (date(2026, 11, 20), 4, 4)):
        IndicatorDaily.objects.create(
            day=day, unit_kind=UnitKind.NODE, node=tree[SUBDISTRICT],
            reported=reported, reported_closed=closed,
        )  # fmt: skip
    IndicatorDaily.objects.create(
        day=date(2026, 12, 1), unit_kind=UnitKind.NODE, node=tree[SUBDISTRICT], reported=50
    )
    figures_refresh(month=NOV)
    got = dict(
        NodeMonth.objects.unscoped()
        .filter(node=tree[SUBDISTRICT], month=NOV)
        .values_list("measure", "value")
    )
    # Two grids of 1,000 people: 10 events ÷ 2,000 × 1,000 = 5.
    assert got["events_per_1000"] == pytest.approx(5.0)
    assert got["closure_rate"] == pytest.approx(80.0)
    assert got["population"] == 2000


def _history(tree: Tree, index: Index, values: list[float], start: date) -> date:
    """Index values for the subdistrict, one a month from start; answers the last month."""
    month = start
    for value in values:
        IndexValue.objects.create(
            index=index, node=tree[SUBDISTRICT], month=month, value=value,
            components={"closure_rate": {"raw": value, "score": value, "weight": 50.0}},
        )  # fmt: skip
        last = month
        month = (month + timedelta(days=32)).replace(day=1)
    return last


def test_a_jump_drafts_one_notice_and_noise_none(tree: Tree, index: Index, users: Any) -> None:
    last = _history(tree, index, [70, 71, 69, 70, 72, 70, 71, 45], date(2026, 1, 1))
    assert notices_draft(month=last - timedelta(days=31)) == []
    drafted = notices_draft(month=last)
    assert len(drafted) == 1
    notice = drafted[0]
    assert notice.status == NoticeStatus.DRAFT
    assert notice.explanation[0]["measure"] == "closure_rate"
    assert notice.explanation[0]["change"] < 0
    # Drafting again finds the same notice.
    assert notices_draft(month=last) == []
    assert PromptNotice.objects.unscoped().count() == 1


@pytest.fixture
def notice(tree: Tree, index: Index, users: dict[str, User]) -> PromptNotice:
    last = _history(tree, index, [70, 71, 69, 70, 72, 70, 71, 45], date(2026, 1, 1))
    return notices_draft(month=last)[0]


def test_issued_replied_and_closed(notice: PromptNotice, users: dict[str, User]) -> None:
    commander, dispatcher = users["commander"], users["dispatcher"]
    notice_step(actor=commander, notice_id=notice.pk, command=NoticeCommand.ISSUE)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED
    assert notice.reply_due_at is not None
    assert InboxItem.objects.filter(recipient=dispatcher).exists()
    with pytest.raises(InvalidInput):
        notice_step(actor=dispatcher, notice_id=notice.pk, command=NoticeCommand.REPLY)
    notice_step(
        actor=dispatcher, notice_id=notice.pk, command=NoticeCommand.REPLY,
        measures="加派巡查力量，夜间联防",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        notice_step(actor=dispatcher, notice_id=notice.pk, command=NoticeCommand.CLOSE)
    notice_step(actor=commander, notice_id=notice.pk, command=NoticeCommand.CLOSE)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert notice.measures_taken == "加派巡查力量，夜间联防"
    assert [s.command for s in notice.steps.all()] == ["draft", "issue", "reply", "close"]
    with pytest.raises(Conflict):
        notice_step(actor=commander, notice_id=notice.pk, command=NoticeCommand.ISSUE)


def test_the_area_cannot_issue_its_own_and_a_sibling_cannot_see_it(
    notice: PromptNotice, users: dict[str, User]
) -> None:
    with pytest.raises(PermissionDenied):
        notice_step(actor=users["dispatcher"], notice_id=notice.pk, command=NoticeCommand.ISSUE)
    with pytest.raises(NotFound):
        notice_step(
            actor=users["sibling_commander"], notice_id=notice.pk, command=NoticeCommand.ISSUE
        )


def test_a_late_reply_is_told_to_the_centre_once(
    notice: PromptNotice, users: dict[str, User]
) -> None:
    notice_step(actor=users["commander"], notice_id=notice.pk, command=NoticeCommand.ISSUE)
    notice.refresh_from_db()
    assert notice.reply_due_at is not None
    later = notice.reply_due_at + timedelta(minutes=1)
    assert notices_sweep(now=later) == [notice.pk]
    assert notices_sweep(now=later) == []
    assert InboxItem.objects.filter(
        recipient=users["commander"], notice__key=f"insight.notice:{notice.pk}:overdue"
    ).exists()


def test_department_figures_need_rights_and_a_confirmation_out_of_range(
    tree: Tree, crime: FigureKind
) -> None:
    police = Department.objects.create(code="320104-ga", name="公安分局", node=tree["320104"])
    other = Department.objects.create(code="320104-cg", name="城管局", node=tree["320104"])
    crime.departments.add(police)
    handler = make_user("ga", Role.DEPARTMENT_HANDLER, department=police)
    outsider = make_user("cg", Role.DEPARTMENT_HANDLER, department=other)
    with pytest.raises(PermissionDenied):
        figure_enter(actor=outsider, kind_code="crime", node_code=SUBDISTRICT, month=NOV, value=3)
    with pytest.raises(InvalidInput) as refused:
        figure_enter(actor=handler, kind_code="crime", node_code=SUBDISTRICT, month=NOV, value=35)
    assert refused.value.problems[0].code == "needs_confirmation"
    assert not MonthlyFigure.objects.unscoped().exists()
    row = figure_enter(
        actor=handler, kind_code="crime", node_code=SUBDISTRICT, month=NOV, value=35, confirm=True
    )
    assert row.confirmed_out_of_range
    figure_enter(actor=handler, kind_code="crime", node_code=SUBDISTRICT, month=NOV, value=3.5)
    row.refresh_from_db()
    assert (row.value, row.confirmed_out_of_range) == (3.5, False)
    figures_refresh(month=NOV)
    assert (
        NodeMonth.objects.unscoped().get(node=tree[SUBDISTRICT], measure="figure:crime").value
        == 3.5
    )
