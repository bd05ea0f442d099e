from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.accounts.models import User
from gridgov.assessment.indicators import INDICATORS
from gridgov.assessment.models import COUNT_COLUMNS, IndicatorDaily, UnitKind
from gridgov.assessment.selectors import period_of, scorecard
from gridgov.core.errors import InvalidInput
from gridgov.testing.tree import Tree

sums = st.fixed_dictionaries({c: st.integers(0, 10_000) for c in COUNT_COLUMNS})


@given(sums)
def test_no_denominator_is_no_value_and_numerators_are_never_negative(
    counts: dict[str, int],
) -> None:
    for indicator in INDICATORS:
        value = indicator.value_of(counts)
        assert indicator.numerator_of(counts) >= 0
        assert (value is None) == (counts[indicator.denominator] == 0)


@pytest.mark.parametrize(
    ("kind", "start", "last"),
    [
        ("day", date(2026, 12, 31), date(2026, 12, 31)),
        ("month", date(2026, 12, 1), date(2026, 12, 31)),
        ("month", date(2028, 2, 1), date(2028, 2, 29)),
        ("quarter", date(2026, 10, 1), date(2026, 12, 31)),
        ("quarter", date(2027, 1, 1), date(2027, 3, 31)),
    ],
)
def test_periods(kind: str, start: date, last: date) -> None:
    assert period_of(kind, start).last == last


@pytest.mark.parametrize(
    ("kind", "start"),
    [("week", date(2026, 11, 2)), ("month", date(2026, 11, 2)), ("quarter", date(2026, 2, 1))],
)
def test_bad_periods(kind: str, start: date) -> None:
    with pytest.raises(InvalidInput):
        period_of(kind, start)


def test_a_month_is_the_sum_of_its_days_and_nothing_outside(
    tree: Tree, users: dict[str, User]
) -> None:
    node = tree["320104001"]
    for day, handled, on_time in (
        (date(2026, 10, 31), 50, 50),
        (date(2026, 11, 1), 4, 3),
        (date(2026, 11, 30), 6, 1),
        (date(2026, 12, 1), 50, 0),
    ):
        IndicatorDaily.objects.create(
            day=day,
            unit_kind=UnitKind.NODE,
            node=node,
            handled=handled,
            handled_on_time=on_time,
        )
    card = scorecard(
        users["dispatcher"],
        unit_kind="node",
        code=node.code,
        period="month",
        start=date(2026, 11, 1),
    )
    timely = next(v for v in card.values if v.indicator.code == "timely_handling")
    assert (timely.numerator, timely.denominator, timely.value) == (4, 10, 0.4)
    assert card.period.end - card.period.start == timedelta(days=30)
