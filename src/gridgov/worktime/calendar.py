"""Working time on the official calendar: which days count, and deadlines in office hours.

A Calendar is an immutable snapshot of the stored arrangement and office
hours; its methods are pure, so a sweep over thousands of cases can take
one snapshot and compute every deadline without touching the database.
The module-level functions use the process's cached snapshot, which is
rebuilt when the revision stamp in the database changes.

A year nobody has entered yet is not an error: its days follow the
working weekdays alone, and year_has_official_data() says so, so pages can
warn instead of the event loop stopping on 1 January.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gridgov.core.versioned import VersionedCache
from gridgov.worktime.models import CalendarDay, CalendarYear, DayKind, OfficeHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)
ONE_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Hours:
    weekdays: frozenset[int]
    periods: tuple[tuple[time, time], ...]
    zone: ZoneInfo = SHANGHAI

    def __post_init__(self) -> None:
        # Without a working weekday or period no deadline could ever be reached.
        if not self.weekdays or not self.periods:
            raise ValueError("office hours need at least one weekday and one period")

    @classmethod
    def from_row(cls, row: OfficeHours) -> Hours:
        return cls(
            weekdays=row.working_weekdays,
            periods=(
                (row.morning_start, row.morning_end),
                (row.afternoon_start, row.afternoon_end),
            ),
        )


def default_hours() -> Hours:
    return Hours.from_row(OfficeHours())


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.utcoffset() is None:
            raise ValueError("working time is computed on aware datetimes only")


def add_natural_minutes(start: datetime, minutes: float) -> datetime:
    _require_aware(start)
    return start + timedelta(minutes=minutes)


@dataclass(frozen=True)
class Calendar:
    days: Mapping[date, str]
    official_years: frozenset[int]
    hours: Hours

    def is_working_day(self, day: date) -> bool:
        kind = self.days.get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY
        return day.weekday() in self.hours.weekdays

    def year_has_official_data(self, year: int) -> bool:
        return year in self.official_years

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's office periods in UTC, so arithmetic never depends on the zone's rules."""
        if not self.is_working_day(day):
            return []
        zone = self.hours.zone
        return [
            (
                datetime.combine(day, begin, tzinfo=zone).astimezone(UTC),
                datetime.combine(day, end, tzinfo=zone).astimezone(UTC),
            )
            for begin, end in self.hours.periods
        ]

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` of office time after `start`; it may fall on a period's end."""
        _require_aware(start)
        remaining = timedelta(minutes=minutes)
        if remaining < timedelta(0):
            raise ValueError("a time limit cannot be negative")
        cursor = start.astimezone(UTC)
        if not remaining:
            return cursor.astimezone(self.hours.zone)
        day = start.astimezone(self.hours.zone).date()
        while True:
            for begin, end in self._windows(day):
                if end <= cursor:
                    continue
                begin = max(begin, cursor)
                if remaining <= end - begin:
                    return (begin + remaining).astimezone(self.hours.zone)
                remaining -= end - begin
            day += ONE_DAY

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Office minutes from start to end; negative when end comes first (time overdue)."""
        _require_aware(start, end)
        if end < start:
            return -self.working_minutes_between(end, start)
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta(0)
        day = start.astimezone(self.hours.zone).date()
        last = end.astimezone(self.hours.zone).date()
        while day <= last:
            for begin, finish in self._windows(day):
                low, high = max(begin, start), min(finish, end)
                if high > low:
                    total += high - low
            day += ONE_DAY
        return total / ONE_MINUTE

    def deadline(self, start: datetime, minutes: float, *, natural: bool) -> datetime:
        """Urgent categories count natural time; all others count office time on this calendar."""
        if natural:
            return add_natural_minutes(start, minutes)
        return self.add_working_minutes(start, minutes)


def load_calendar() -> Calendar:
    row = OfficeHours.objects.filter(pk=1).first()
    return Calendar(
        days=dict(CalendarDay.objects.values_list("date", "kind")),
        official_years=frozenset(
            CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
        ),
        hours=Hours.from_row(row or OfficeHours()),
    )


def _revision() -> uuid.UUID | None:
    return OfficeHours.objects.filter(pk=1).values_list("revision", flat=True).first()


_snapshot = VersionedCache(_revision, lambda _revision: load_calendar())
# The snapshot, rebuilt when another process (or this one) stored a new revision.
current_calendar = _snapshot.get
calendar_cache_clear = _snapshot.reset


def _calendar(hours: Hours | None) -> Calendar:
    snapshot = current_calendar()
    return snapshot if hours is None else replace(snapshot, hours=hours)


def is_working_day(day: date) -> bool:
    return current_calendar().is_working_day(day)


def year_has_official_data(year: int) -> bool:
    return current_calendar().year_has_official_data(year)


def add_working_minutes(start: datetime, minutes: float, *, hours: Hours | None = None) -> datetime:
    return _calendar(hours).add_working_minutes(start, minutes)


def working_minutes_between(start: datetime, end: datetime, *, hours: Hours | None = None) -> float:
    return _calendar(hours).working_minutes_between(start, end)


def deadline(
    start: datetime, minutes: float, *, natural: bool, hours: Hours | None = None
) -> datetime:
    """One entry point for every category: urgent ones pass natural=True and skip the calendar."""
    if natural:
        return add_natural_minutes(start, minutes)
    return add_working_minutes(start, minutes, hours=hours)
