"""Reads of the calendar.

The calendar is nationwide reference data, the same for every
jurisdiction, so these reads are not scoped to the caller's subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.worktime.calendar import Calendar, current_calendar
from gridgov.worktime.models import CalendarDay, CalendarYear, DayKind

# The page lists every year up to next year, so the missing one stands out before it starts.
YEARS_AHEAD = 1
# The State Council usually publishes next year's arrangement in November.
NOTICE_MONTH = 11


@dataclass(frozen=True)
class YearStatus:
    year: int
    source: str
    source_label: str
    complete: bool
    entered_by: str
    entered_at: datetime | None
    holidays: int
    workdays: int

    @property
    def has_data(self) -> bool:
        return bool(self.source)


def calendar_years() -> list[YearStatus]:
    """Every stored year, newest first, plus the years up to next year that nobody entered."""
    rows = {
        row.year: row
        for row in CalendarYear.objects.select_related("entered_by").annotate(
            holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
            workdays=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
        )
    }
    last = max([timezone.localdate().year + YEARS_AHEAD, *rows])
    first = min(rows, default=last)
    statuses = []
    for year in range(last, first - 1, -1):
        row = rows.get(year)
        if row is None:
            statuses.append(YearStatus(year, "", "", False, "", None, 0, 0))
            continue
        statuses.append(
            YearStatus(
                year=year,
                source=row.source,
                source_label=str(row.get_source_display()),
                complete=row.complete,
                entered_by=str(row.entered_by or ""),
                entered_at=row.entered_at,
                holidays=row.holidays,
                workdays=row.workdays,
            )
        )
    return statuses


def calendar_year_days(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(calendar_year__year=year).order_by("date")


def calendar_warnings(today: date) -> list[str | Promise]:
    """Warnings for the year under way, and from November (when the notice is due) for the next."""
    days = [today, date(today.year + 1, 1, 1)] if today.month >= NOTICE_MONTH else [today]
    return [w for w in map(calendar_warning_for, days) if w is not None]


def calendar_warning_for(day: date, calendar: Calendar | None = None) -> str | Promise | None:
    """What a page or API shows next to a time limit computed without the official arrangement
    (on `calendar` when the caller holds the one it counted on, else the current one)."""
    if (calendar or current_calendar()).year_has_official_data(day.year):
        return None
    return _(
        "The official holiday arrangement for %(year)d has not been entered: "
        "time limits count only weekends as rest days until it is."
    ) % {"year": day.year}
