from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.inspections import actions
from gridgov.inspections.actions import Answer
from gridgov.inspections.actions.figures import inspection_figures_rebuild
from gridgov.inspections.models import Inspection, InspectionDaily, Rectification
from gridgov.inspections.tasks import inspections_daily
from gridgov.inspections.tests.conftest import make_shop
from gridgov.testing.tree import Tree


def test_daily_counts_roll_up_the_tree_and_rebuild_idempotently(
    kinds: None, users: dict[str, User], tree: Tree
) -> None:
    make_shop(users["community_staff"], "甲店", "1")
    make_shop(users["community_staff"], "乙店", "2", grid="320104001001002")
    inspections_daily()
    first, second = Inspection.objects.unscoped().order_by("pk")
    actions.inspection_record(
        actor=users["grid_worker"],
        inspection_id=first.pk,
        answers=[
            Answer(code, code != "exit")
            for code in ("extinguisher", "exit", "wiring", "no_living", "no_charging")
        ],
    )
    rect = Rectification.objects.unscoped().get()
    actions.rectifications_sweep(rect.due_at + timedelta(minutes=1))
    due_day = timezone.localtime(first.due_at).date()
    found_day = timezone.localtime(rect.found_at).date()
    for _ in range(2):
        inspection_figures_rebuild(day_from=found_day, day_to=due_day)
    by_node = {
        r.node.code: r
        for r in InspectionDaily.objects.filter(day=due_day, node__isnull=False).select_related(
            "node"
        )
        if r.node is not None
    }
    assert (by_node["320104001001"].due, by_node["320104001001"].done) == (2, 1)
    assert (by_node["320104001001001"].due, by_node["320104001001001"].done_on_time) == (1, 1)
    assert by_node["3201"].due == 2
    found = InspectionDaily.objects.get(day=found_day, node=tree["320104"])
    assert (found.found, found.found_rectified, found.found_overdue) == (1, 0, 1)
    mine = InspectionDaily.objects.get(day=found_day, worker=users["grid_worker"])
    assert (mine.due, mine.done, mine.found, mine.found_overdue) == (0, 1, 1, 1)
