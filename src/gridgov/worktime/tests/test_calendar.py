from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.worktime import calendar as wt
from gridgov.worktime.arrangements import package_arrangements
from gridgov.worktime.calendar import SHANGHAI, Calendar, Hours, default_hours


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before the Spring Festival
        (date(2026, 2, 14), True),  # Saturday made a working day for it
        (date(2026, 2, 16), False),  # Monday inside the Spring Festival
        (date(2026, 2, 23), False),  # last day of the Spring Festival
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # the second make-up Saturday
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 9, 20), True),  # Sunday made a working day for National Day
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),
    ],
)
def test_official_2026_days(db, day, working):
    assert wt.is_working_day(day) is working


def test_years_the_package_knows_are_official(db):
    assert wt.year_has_official_data(2004)
    assert wt.year_has_official_data(2026)
    assert not wt.year_has_official_data(2027)


def test_deadline_runs_into_the_make_up_saturday_then_over_the_holiday(db):
    assert wt.add_working_minutes(at(2026, 2, 13, 16, 30), 120) == at(2026, 2, 14, 9, 30)
    assert wt.add_working_minutes(at(2026, 2, 14, 17, 0), 60) == at(2026, 2, 24, 9, 0)


def test_deadline_over_national_day(db):
    assert wt.add_working_minutes(at(2026, 9, 30, 17, 0), 30) == at(2026, 9, 30, 17, 30)
    assert wt.add_working_minutes(at(2026, 9, 30, 17, 0), 31) == at(2026, 10, 8, 8, 31)


def test_deadline_over_a_weekend(db):
    assert wt.add_working_minutes(at(2026, 3, 6, 17, 0), 60) == at(2026, 3, 9, 9, 0)


def test_lunch_break_is_not_counted_and_a_limit_may_end_at_noon(db):
    assert wt.add_working_minutes(at(2026, 3, 10, 11, 30), 60) == at(2026, 3, 10, 14, 0)
    assert wt.add_working_minutes(at(2026, 3, 10, 11, 30), 30) == at(2026, 3, 10, 12, 0)
    assert wt.add_working_minutes(at(2026, 3, 10, 12, 15), 10) == at(2026, 3, 10, 13, 40)


def test_before_office_hours_starts_at_opening(db):
    assert wt.add_working_minutes(at(2026, 3, 10, 7, 0), 30) == at(2026, 3, 10, 9, 0)


def test_utc_input_is_read_in_shanghai_time(db):
    start = datetime(2026, 3, 10, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    result = wt.add_working_minutes(start, 60)
    assert result == at(2026, 3, 10, 9, 30)
    assert result.tzinfo == SHANGHAI


def test_minutes_between_skip_holidays_and_count_make_up_days(db):
    assert wt.working_minutes_between(at(2026, 9, 30, 8, 30), at(2026, 10, 8, 8, 30)) == 450
    assert wt.working_minutes_between(at(2026, 9, 19), at(2026, 9, 21)) == 450
    assert wt.working_minutes_between(at(2026, 10, 8, 9, 0), at(2026, 10, 8, 8, 0)) == -30


def test_urgent_categories_count_natural_minutes(db):
    start = at(2026, 10, 1, 22, 0)
    assert wt.deadline(start, 90, natural=True) == at(2026, 10, 1, 23, 30)
    assert wt.add_natural_minutes(start, 90) == at(2026, 10, 1, 23, 30)
    assert wt.deadline(start, 90, natural=False) == at(2026, 10, 8, 10, 0)


def test_naive_datetimes_are_refused(db):
    with pytest.raises(ValueError, match="aware"):
        wt.add_working_minutes(datetime(2026, 3, 10, 9, 0), 10)  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        wt.deadline(datetime(2026, 3, 10, 9, 0), 10, natural=True)  # noqa: DTZ001


def test_other_office_hours_can_be_passed(db):
    long_day = Hours(weekdays=frozenset(range(5)), periods=((time(9), time(18)),))
    assert wt.add_working_minutes(at(2026, 3, 10, 11, 30), 60, hours=long_day) == at(
        2026, 3, 10, 12, 30
    )


def test_2027_without_data_falls_back_to_weekends_and_never_raises(db):
    assert wt.is_working_day(date(2027, 1, 1))  # a Friday: no arrangement, so it counts
    assert not wt.is_working_day(date(2027, 1, 2))
    assert wt.add_working_minutes(at(2026, 12, 31, 17, 0), 60) == at(2027, 1, 1, 9, 0)
    assert wt.add_working_minutes(at(2027, 12, 31, 17, 0), 60) == at(2028, 1, 3, 9, 0)
    assert wt.working_minutes_between(at(2026, 12, 31), at(2027, 1, 2)) == 900


# A pure snapshot of the package's years, so hypothesis needs no database.
PACKAGE = Calendar(
    days={e.date: e.kind for entries in package_arrangements().values() for e in entries},
    official_years=frozenset(package_arrangements()),
    hours=default_hours(),
)
starts = st.datetimes(
    min_value=datetime(2025, 12, 1),  # noqa: DTZ001
    max_value=datetime(2027, 2, 1),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)
limits = st.integers(min_value=0, max_value=30 * 450)


@settings(max_examples=150, deadline=None)
@given(start=starts, minutes=limits)
def test_adding_then_measuring_gives_the_minutes_back(start, minutes):
    end = PACKAGE.add_working_minutes(start, minutes)
    assert end >= start
    assert PACKAGE.working_minutes_between(start, end) == minutes


@settings(max_examples=150, deadline=None)
@given(start=starts, a=limits, b=limits)
def test_deadlines_grow_with_the_minutes(start, a, b):
    low, high = sorted((a, b))
    assert PACKAGE.add_working_minutes(start, low) <= PACKAGE.add_working_minutes(start, high)
