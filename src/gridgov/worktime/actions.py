"""Every write to the calendar and the office hours.

Each write stamps a new revision, so every process drops its cached
calendar, and is audited; a command passes actor=None and is recorded as
the system.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS as NON_FIELD
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.core.errors import InvalidInput, PermissionDenied, Problem, ProblemList
from gridgov.worktime.arrangements import KIND_ALIASES, DayEntry, package_arrangements
from gridgov.worktime.calendar import calendar_cache_clear
from gridgov.worktime.models import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarDay,
    CalendarYear,
    DayKind,
    OfficeHours,
    Source,
)
from gridgov.worktime.permissions import can_manage_calendar

if TYPE_CHECKING:
    from gridgov.accounts.models import User

NAME_MAX = CalendarDay._meta.get_field("name").max_length or 64


def _require_manager(actor: User | None) -> None:
    if actor is not None and not can_manage_calendar(actor):
        raise PermissionDenied(
            _("Only the system administrator may change the calendar."),
            code="cannot_manage_calendar",
        )


def _revision_bump() -> None:
    OfficeHours.objects.update_or_create(pk=1, defaults={"revision": uuid.uuid4()})
    calendar_cache_clear()


def _claimed_elsewhere(year: int, dates: Iterable[date]) -> dict[date, int]:
    """Dates already declared by another year's arrangement, with that year."""
    return dict(
        CalendarDay.objects.filter(date__in=list(dates))
        .exclude(calendar_year__year=year)
        .values_list("date", "calendar_year__year")
    )


def _validated(year: int, rows: Iterable[Mapping[str, Any]]) -> list[DayEntry]:
    """Check every row against the year, reporting all problems at once by the row's number."""
    problems = ProblemList()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.add(
            "bad_year",
            _("The year must lie between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="year",
        )
        problems.raise_if_any(_("The arrangement was not saved."))
    entries: list[DayEntry] = []
    seen: dict[date, int] = {}
    in_year: dict[date, tuple[int, str]] = {}
    for position, row in enumerate(rows, start=1):
        index = int(row.get("index", position))
        raw_date = str(row.get("date", "")).strip()
        item = {"index": index, "item": raw_date}
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            problems.add("bad_date", _("Write the date as YYYY-MM-DD."), field="date", **item)
            continue
        kind = KIND_ALIASES.get(str(row.get("kind", "")).strip().lower())
        name = str(row.get("name") or "").strip()
        # A notice may reach back into December for the New Year's holiday (2019 did).
        if day.year == year or (day.year == year - 1 and day.month == 12):
            in_year.setdefault(day, (index, raw_date))
        else:
            problems.add(
                "date_outside_year",
                _("The date is not in %(year)d (or the December before it).") % {"year": year},
                field="date",
                **item,
            )
        if kind is None:
            problems.add(
                "bad_kind",
                _("The kind must be holiday (休) or workday (班)."),
                field="kind",
                **item,
            )
        elif kind == DayKind.WORKDAY and day.weekday() < 5:
            problems.add(
                "workday_not_weekend",
                _("A make-up working day falls on a Saturday or Sunday."),
                field="date",
                **item,
            )
        if len(name) > NAME_MAX:
            problems.add(
                "name_too_long",
                _("The name is longer than %(max)d characters.") % {"max": NAME_MAX},
                field="name",
                **item,
            )
        if day in seen:
            problems.add(
                "duplicate_date",
                _("The date is already listed on line %(line)d.") % {"line": seen[day]},
                field="date",
                **item,
            )
        seen.setdefault(day, index)
        if kind is not None:
            entries.append(DayEntry(date=day, kind=kind, name=name))
    for day, other in sorted(_claimed_elsewhere(year, in_year).items()):
        index, raw_date = in_year[day]
        problems.add(
            "date_in_other_arrangement",
            _("The date already belongs to the %(year)d arrangement.") % {"year": other},
            field="date",
            index=index,
            item=raw_date,
        )
    if not seen and not problems:
        problems.add("empty", _("The arrangement lists no days."))
    problems.raise_if_any(_("The arrangement was not saved."))
    return entries


def _store_year(
    *, actor: User | None, year: int, entries: list[DayEntry], source: str, complete: bool
) -> CalendarYear:
    calendar_year, _created = CalendarYear.objects.update_or_create(
        year=year,
        defaults={
            "source": source,
            "complete": complete,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    calendar_year.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=calendar_year, date=e.date, kind=e.kind, name=e.name)
        for e in entries
    )
    return calendar_year


@transaction.atomic
def calendar_year_set(
    *,
    actor: User | None,
    year: int,
    rows: Iterable[Mapping[str, Any]],
    complete: bool = True,
) -> CalendarYear:
    """Replace a year's arrangement with the one the State Council published; all or nothing."""
    _require_manager(actor)
    entries = _validated(year, rows)
    calendar_year = _store_year(
        actor=actor, year=year, entries=entries, source=Source.MANUAL, complete=complete
    )
    audit_record(
        actor=actor,
        action="worktime.calendar_year_set",
        target=calendar_year,
        detail={
            "year": year,
            "complete": complete,
            "holidays": sum(e.kind == DayKind.HOLIDAY for e in entries),
            "workdays": sum(e.kind == DayKind.WORKDAY for e in entries),
        },
    )
    _revision_bump()
    return calendar_year


@dataclass(frozen=True)
class SeedResult:
    written: list[int]
    unchanged: list[int]
    kept_manual: list[int]


@transaction.atomic
def calendar_seed(*, actor: User | None) -> SeedResult:
    """Load every year chinese-calendar knows; a year an administrator entered is never overwritten.

    Running it again changes nothing unless a newer package knows more.
    """
    _require_manager(actor)
    stored = {row.year: row for row in CalendarYear.objects.all()}
    existing: dict[int, set[tuple[date, str, str]]] = {}
    for year, day, kind, name in CalendarDay.objects.values_list(
        "calendar_year__year", "date", "kind", "name"
    ):
        existing.setdefault(year, set()).add((day, kind, name))
    written: list[int] = []
    unchanged: list[int] = []
    kept_manual: list[int] = []
    claimed = {day for days in existing.values() for day, _kind, _name in days}
    for year, entries in sorted(package_arrangements().items()):
        row = stored.get(year)
        if row is not None and row.source == Source.MANUAL:
            kept_manual.append(year)
            continue
        own = {day for day, _kind, _name in existing.get(year, set())}
        entries = [e for e in entries if e.date in own or e.date not in claimed]
        if (
            row is not None
            and row.complete
            and existing.get(year, set()) == {(e.date, e.kind, e.name) for e in entries}
        ):
            unchanged.append(year)
            continue
        _store_year(actor=actor, year=year, entries=entries, source=Source.PACKAGE, complete=True)
        written.append(year)
    if written:
        audit_record(
            actor=actor,
            action="worktime.calendar_seed",
            target_type="worktime.calendaryear",
            detail={"years": written},
        )
        _revision_bump()
    return SeedResult(written=written, unchanged=unchanged, kept_manual=kept_manual)


@transaction.atomic
def office_hours_update(*, actor: User | None, hours: OfficeHours) -> OfficeHours:
    """Store edited office hours (the admin form hands over the unsaved row)."""
    _require_manager(actor)
    hours.pk = 1
    try:
        hours.full_clean(exclude=["revision"])
    except ValidationError as exc:
        problems = [
            Problem(code="bad_office_hours", message=message, field=field.replace(NON_FIELD, ""))
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
        raise InvalidInput(_("The office hours were not saved."), problems=problems) from exc
    hours.revision = uuid.uuid4()
    hours.save()
    calendar_cache_clear()
    audit_record(
        actor=actor,
        action="worktime.office_hours_update",
        target=hours,
        detail={"hours": str(hours), "weekdays": sorted(hours.working_weekdays)},
    )
    return hours
