"""Each indicator is a ratio over one cohort, so no rate leaves [0, 100 %] over any period,
however an event's steps are spread over days; and a late change to an old event reaches
that day's counts at the next periodic rebuild."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.assessment.actions import indicators_rebuild
from gridgov.assessment.indicators import INDICATORS
from gridgov.assessment.models import COUNT_COLUMNS, IndicatorDaily
from gridgov.assessment.tests.conftest import DAY, SUBDISTRICT, History, _actor, walk
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Deadline, Event, EventTransition
from gridgov.events.workflow import ADDRESSEE_COMMANDS, Command, commands_open
from gridgov.testing.history import history_rewrite

# The commands a random timeline draws from, each with what it needs to be accepted.
STEPS: dict[Command, dict[str, Any]] = {
    Command.REGISTER: {},
    Command.REJECT: {"reason": "不属于受理范围"},
    Command.SELF_HANDLE: {"note": "网格员现场处置"},
    Command.DISPATCH: {"payload": {"department": "320104-fire"}},
    Command.ACCEPT: {},
    Command.RETURN: {"reason": "非本部门职责"},
    Command.HANDLE: {"note": "已处置"},
    Command.VERIFY: {},
    Command.REWORK: {"reason": "现场仍有问题"},
    Command.CLOSE: {},
    Command.EVALUATE: {"payload": {"score": 3}},
    Command.SUSPEND: {"reason": "等待资金"},
    Command.RESUME: {},
    Command.CANCEL: {"reason": "重复上报"},
    Command.REOPEN: {"reason": "居民投诉未解决"},
}
START = date(2026, 9, 1)

timelines = st.lists(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 9)), max_size=9),
    min_size=1,
    max_size=4,
)


def _actor_for(people: dict[str, Any], event: Event, command: Command) -> Any:
    """The brigade gives the addressee's commands when the event went to it, else the grid's
    community (after a rework of a case solved in the grid)."""
    if command in ADDRESSEE_COMMANDS:
        return people["handler" if event.assigned_department_id else "community_staff"]
    return _actor(people, command)


def _retime(event: Event, first_day: int, gaps: list[int]) -> set[date]:
    """Spread the event's steps over days: its report on START + first_day, each later step
    `gap` days after the one before. Every stamp moves with the step that wrote it."""
    steps = list(EventTransition.objects.filter(event=event).order_by("at", "id"))
    moment = timezone.make_aware(datetime.combine(START + timedelta(days=first_day), time(10)))
    moved: dict[datetime, datetime] = {}
    for step, gap in zip(steps, [0, *gaps], strict=False):
        moment += timedelta(days=gap, minutes=1)
        moved[step.at] = moment
    for old, new in moved.items():
        history_rewrite(EventTransition.objects.filter(event=event, at=old), at=new)
        stamps = [f.attname for f in Event._meta.concrete_fields if f.attname.endswith("_at")]
        Event.objects.filter(pk=event.pk).update(
            **{f: new for f in stamps if getattr(event, f) == old}
        )
    for row in Deadline.objects.filter(event=event):
        shift = moved[row.started_at] - row.started_at
        row.started_at += shift
        row.due_at += shift
        row.ended_at = moved.get(row.ended_at, row.ended_at) if row.ended_at else None
        row.paused_at = moved.get(row.paused_at, row.paused_at) if row.paused_at else None
        row.save()
    return {timezone.localdate(m) for m in moved.values()}


def _within_bounds(sums: dict[str, int]) -> None:
    for indicator in INDICATORS:
        value = indicator.value_of(sums)
        numerator = sum(sums[c] for c in indicator.numerator)
        if indicator.is_rate:
            assert numerator <= sums[indicator.denominator], (indicator.code, sums)
            assert value is None or 0 <= value <= 1
        else:
            assert value is None or 1 <= value <= 5, (indicator.code, sums)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=timelines, first_days=st.lists(st.integers(0, 60), min_size=4, max_size=4))
def test_no_rate_leaves_its_range_over_random_timelines(
    people: dict[str, Any], plans: list[list[tuple[int, int]]], first_days: list[int]
) -> None:
    with transaction.atomic():
        days: set[date] = set()
        for plan, first_day in zip(plans, first_days, strict=False):
            event = walk(people)
            gaps = []
            for pick, gap in plan:
                choices = [c for c in commands_open(event) if c in STEPS]
                if not choices:
                    break
                command = choices[pick % len(choices)]
                event = event_apply(
                    actor=_actor_for(people, event, command),
                    event_id=event.pk,
                    command=command,
                    expected_version=event.version,
                    **STEPS[command],
                )
                gaps.append(gap)
            days |= _retime(event, first_day, gaps)
        for day in sorted(days):
            indicators_rebuild(actor=None, day_from=day, day_to=day)
        for row in IndicatorDaily.objects.all():
            _within_bounds({c: getattr(row, c) for c in COUNT_COLUMNS})
        # Any period is a sum of days: the whole span, for every unit.
        totals: Any = IndicatorDaily.objects.values("unit_kind", "node", "department").annotate(
            **{f"sum_{c}": Sum(c) for c in COUNT_COLUMNS}
        )
        for total in totals:
            _within_bounds({c: int(total[f"sum_{c}"] or 0) for c in COUNT_COLUMNS})
        transaction.set_rollback(True)


def test_the_periodic_rebuild_reaches_an_old_day_a_late_cancel_changed(history: History) -> None:
    call_command("indicators_rebuild", stdout=StringIO())
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)

    def reported() -> int:
        row = IndicatorDaily.objects.get(day=DAY, node__code=SUBDISTRICT)
        return row.reported

    assert reported() == 5
    e5 = history.events["e5"]  # registered on DAY, still open
    event_apply(
        actor=history.people["dispatcher"],
        event_id=e5.pk,
        command=Command.CANCEL,
        expected_version=e5.version,
        reason="重复上报",
    )
    call_command("indicators_rebuild", stdout=StringIO())
    assert reported() == 4
