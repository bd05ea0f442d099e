from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.assessment.actions import handling_score, indicators_rebuild
from gridgov.assessment.models import COUNT_COLUMNS, HandlingScore, IndicatorDaily, UnitKind
from gridgov.assessment.tests.conftest import DAY, GRID, SUBDISTRICT, History, move_history_to, walk
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.events.workflow import Command
from gridgov.whistle.models import Reason, Summons, Whistle


def counts(row: IndicatorDaily) -> dict[str, int]:
    return {c: getattr(row, c) for c in COUNT_COLUMNS if getattr(row, c)}


def node_row(code: str, day: date = DAY) -> IndicatorDaily:
    return IndicatorDaily.objects.get(day=day, unit_kind=UnitKind.NODE, node__code=code)


# What the history of conftest adds up to for the subdistrict and every level above it.
SUBDISTRICT_COUNTS = {
    "reported": 5,  # e1 e2 e3 e5 e6; the cancelled e4 is left out
    "reported_closed": 3,  # e1 e2 e3 of those; e6 was reopened, e5 is open
    "registered": 5,  # register e1 e2 e5, self-handle e3 e6
    "registered_on_time": 4,  # e5 late
    "dispatched": 3,  # e1 once, e2 twice
    "dispatched_on_time": 3,  # each dispatch ended its own attempt in time
    "dispatch_returned": 1,
    "handled": 3,  # e1 once, e2 twice
    "handled_on_time": 2,  # e1, and e2's first handling; its second was late
    "closed": 3,  # e1 e2 e3; e6 was reopened
    "closed_on_time": 2,  # e2 had a late stage
    "reworked": 1,  # e2's first handling was sent back; e6's reopening is no handling
    "rating_count": 1,
    "rating_sum": 4,
    "centre_score_count": 1,
    "centre_score_sum": 5,
}


def test_rebuild_counts_every_column_for_levels(history: History) -> None:
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    for code in (SUBDISTRICT, "320104", "3201"):
        assert counts(node_row(code)) == SUBDISTRICT_COUNTS, code
    grid = {
        "reported": 2,
        "reported_closed": 1,
        "registered": 2,
        "registered_on_time": 2,
        "closed": 1,
        "closed_on_time": 1,
    }
    assert counts(node_row(GRID)) == grid
    # The community owns nothing itself; it carries its grid's counts.
    assert counts(node_row("320104001001")) == grid
    assert not IndicatorDaily.objects.filter(node__code__startswith="320105").exists()


def test_rebuild_counts_what_a_department_did(history: History) -> None:
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    row = IndicatorDaily.objects.get(
        day=DAY, unit_kind=UnitKind.DEPARTMENT, department=history.people["brigade"]
    )
    assert counts(row) == {
        "reported": 2,  # e1 and e2, now assigned to the brigade
        "reported_closed": 2,
        "handled": 3,
        "handled_on_time": 2,
        "closed": 2,
        "closed_on_time": 1,
        "reworked": 1,
        "rating_count": 1,
        "rating_sum": 4,
        "centre_score_count": 1,
        "centre_score_sum": 5,
    }
    assert not IndicatorDaily.objects.filter(department=history.people["urban"]).exists()


def test_rebuild_is_idempotent_and_replaces_the_day(history: History) -> None:
    indicators_rebuild(actor=None, day_from=DAY - timedelta(days=1), day_to=DAY)
    first = sorted(
        (r.unit_kind, r.node_id, r.department_id, *counts(r).items())
        for r in IndicatorDaily.objects.all()
    )
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    again = sorted(
        (r.unit_kind, r.node_id, r.department_id, *counts(r).items())
        for r in IndicatorDaily.objects.all()
    )
    assert first == again
    # Days with nothing have no rows: no events is no value, not zero.
    assert not IndicatorDaily.objects.filter(day=DAY - timedelta(days=1)).exists()
    IndicatorDaily.objects.filter(day=DAY, node__code=SUBDISTRICT).update(reported=99)
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    assert node_row(SUBDISTRICT).reported == 5
    assert AuditEntry.objects.filter(action="assessment.indicators_rebuild").count() == 3


def test_rebuild_counts_a_day_by_local_midnight(history: History) -> None:
    indicators_rebuild(actor=None, day_from=DAY + timedelta(days=1), day_to=DAY + timedelta(days=1))
    assert not IndicatorDaily.objects.exists()


def test_rebuild_refuses_reversed_dates(db: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        indicators_rebuild(actor=None, day_from=DAY, day_to=DAY - timedelta(days=1))
    assert [p.code for p in caught.value.problems] == ["dates_reversed"]


def test_whistle_summonses_count_by_due_day(history: History) -> None:
    people = history.people
    due = timezone.make_aware(datetime.combine(DAY, time(15, 0)))
    whistle = Whistle.objects.create(
        event=history.events["e5"],
        reason=Reason.SEVERAL_DEPARTMENTS,
        node=people["dispatcher"].node,
        blown_by=people["dispatcher"],
        blown_at=due - timedelta(hours=2),
    )
    Summons.objects.create(
        whistle=whistle,
        department=people["brigade"],
        report_due_at=due,
        reported_at=due - timedelta(minutes=5),
    )
    Summons.objects.create(whistle=whistle, department=people["urban"], report_due_at=due)
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    assert node_row(SUBDISTRICT).whistle_summoned == 2
    assert node_row("320104").whistle_reported_on_time == 1
    by_department = {
        r.department_id: (r.whistle_summoned, r.whistle_reported_on_time)
        for r in IndicatorDaily.objects.filter(unit_kind=UnitKind.DEPARTMENT)
    }
    assert by_department[people["brigade"].pk] == (1, 1)
    assert by_department[people["urban"].pk] == (1, 0)


class TestHandlingScore:
    def test_the_centre_scores_a_closed_event_once_audited(self, history: History) -> None:
        e3 = history.events["e3"]
        row = handling_score(
            actor=history.people["dispatcher"], event_number=e3.number, score=3, comment=" 一般 "
        )
        assert (row.score, row.comment, row.by) == (3, "一般", history.people["dispatcher"])
        assert AuditEntry.objects.filter(
            action="assessment.handling_score", target_id=str(row.pk)
        ).exists()
        with pytest.raises(Conflict):
            handling_score(actor=history.people["commander"], event_number=e3.number, score=4)

    def test_only_closed_events(self, history: History) -> None:
        with pytest.raises(Conflict):
            handling_score(
                actor=history.people["commander"],
                event_number=history.events["e5"].number,
                score=4,
            )

    @pytest.mark.parametrize("score", [0, 6, True])
    def test_score_is_one_to_five(self, history: History, score: Any) -> None:
        with pytest.raises(InvalidInput):
            handling_score(
                actor=history.people["commander"],
                event_number=history.events["e3"].number,
                score=score,
            )

    @pytest.mark.parametrize("who", ["grid_worker", "community_staff", "handler", "analyst"])
    def test_other_roles_may_not(self, history: History, who: str) -> None:
        with pytest.raises(PermissionDenied):
            handling_score(
                actor=history.people[who], event_number=history.events["e3"].number, score=4
            )

    def test_outside_the_jurisdiction_is_not_found(self, history: History) -> None:
        with pytest.raises(NotFound):
            handling_score(
                actor=history.people["sibling_commander"],
                event_number=history.events["e3"].number,
                score=4,
            )
        assert HandlingScore.objects.count() == 1


def test_rebuild_queries_do_not_grow_with_events(history: History) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
        return len(captured)

    before = queries()
    last = max(e.pk for e in history.events.values())
    for _ in range(3):
        walk(history.people, Command.REGISTER, Command.DISPATCH, Command.ACCEPT, Command.HANDLE)
    move_history_to(DAY, after_pk=last)
    assert queries() == before
    assert node_row(SUBDISTRICT).handled == 6
