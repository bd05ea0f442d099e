"""The daily index: components with daily tables over the thirty days ending the day, the
rest at their month's value, stored per day and drawn as a line on the panorama."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from gridgov.assessment.models import IndicatorDaily, UnitKind
from gridgov.insight.actions import days_compute, index_define
from gridgov.insight.indices import ComponentSpec
from gridgov.insight.models import Direction, FigureKind, IndexDay, Normalisation
from gridgov.insight.tests.conftest import SUBDISTRICT, put
from gridgov.testing.tree import Tree

DAY = date(2026, 11, 20)


def test_daily_index_from_the_window_and_the_months_figure(
    tree: Tree, crime: FigureKind, client_for: Any
) -> None:
    index_define(
        actor=None, code="daily", name="日指数", levels=[3],
        components=[
            ComponentSpec("closure_rate", Direction.HIGHER_BETTER, 60, Normalisation.RANGE, 0, 100),
            ComponentSpec("figure:crime", Direction.LOWER_BETTER, 40, Normalisation.RANGE, 0, 10),
        ],
    )  # fmt: skip
    node = tree[SUBDISTRICT]
    # Inside the window: 3 of 4 closed. Outside it (40 days before): none of 10.
    for day, reported, closed in (
        (DAY - timedelta(days=5), 4, 3),
        (DAY - timedelta(days=40), 10, 0),
    ):
        IndicatorDaily.objects.create(
            day=day, unit_kind=UnitKind.NODE, node=node, reported=reported, reported_closed=closed
        )  # fmt: skip
    # November has no crime figure yet: October's 5 carries (score 50).
    put(tree, SUBDISTRICT, date(2026, 10, 1), figure__crime=5)
    days_compute(first=DAY - timedelta(days=1), last=DAY)
    # 60 × 75 % + 40 × 50 = 65
    assert IndexDay.objects.unscoped().get(index__code="daily", node=node, day=DAY).value == 65.0
    assert IndexDay.objects.unscoped().filter(index__code="daily", node=node).count() == 2

    page = (
        client_for("commander")
        .get(f"/insight/areas/{SUBDISTRICT}/?measure=index:daily&month=2026-11")
        .content.decode()
    )
    assert 'id="panorama-daily"' in page
    assert "2026-11-20 · 65.0" in page
    api = (
        client_for("commander")
        .get(f"/api/v1/insight/indices/daily/days?node={SUBDISTRICT}&until=2026-11-30")
        .json()
    )
    assert api[-1] == {"day": "2026-11-20", "value": 65.0}
    # A sibling district's commander sees no line of this area.
    other = client_for("sibling_commander").get("/insight/?measure=index:daily&month=2026-11")
    assert 'id="panorama-daily"' not in other.content.decode()
