from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.worktime import calendar as wt
from gridgov.worktime.actions import calendar_seed, calendar_year_set, office_hours_update
from gridgov.worktime.arrangements import parse_arrangement
from gridgov.worktime.calendar import SHANGHAI
from gridgov.worktime.models import CalendarDay, CalendarYear, OfficeHours, Source
from gridgov.worktime.selectors import calendar_warning_for, calendar_warnings, calendar_years

# An arrangement in the shape of the State Council's notice, for a year the package does not know.
ARRANGEMENT_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-06,休,春节
2027-02-07,休,春节
2027-02-08,休,春节
2027-02-09,休,春节
2027-02-10,休,春节
2027-02-11,休,春节
2027-02-12,休,春节
2027-02-13,休,春节
2027-02-20,班,春节
"""


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def write(tmp_path: Path, text: str, name: str = "2027.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_entering_2027_by_command_changes_the_deadline_and_ends_the_warning(db, tmp_path):
    start = at(2026, 12, 31, 17, 0)
    assert wt.add_working_minutes(start, 60) == at(2027, 1, 1, 9, 0)
    assert calendar_warning_for(date(2027, 1, 1)) is not None
    assert calendar_warning_for(date(2026, 12, 31)) is None

    call_command("calendar_set_year", "2027", file=write(tmp_path, ARRANGEMENT_2027))

    assert wt.add_working_minutes(start, 60) == at(2027, 1, 4, 9, 0)
    assert wt.is_working_day(date(2027, 2, 20))  # the make-up Saturday
    assert not wt.is_working_day(date(2027, 2, 8))
    assert calendar_warning_for(date(2027, 1, 1)) is None
    row = CalendarYear.objects.get(year=2027)
    assert (row.source, row.complete, row.days.count()) == (Source.MANUAL, True, 12)
    assert AuditEntry.objects.filter(action="worktime.calendar_year_set").count() == 1


def test_json_files_and_provisional_years(db, tmp_path):
    days = [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]
    path = write(tmp_path, json.dumps(days, ensure_ascii=False), "2027.json")
    call_command("calendar_set_year", "2027", file=path, provisional=True)
    assert not wt.is_working_day(date(2027, 1, 1))
    assert not wt.year_has_official_data(2027)
    assert calendar_warning_for(date(2027, 6, 1)) is not None


def test_every_bad_line_is_reported_and_nothing_is_written(db, tmp_path):
    text = ARRANGEMENT_2027 + (
        "2026-10-01,holiday,国庆\n"  # outside the year
        "2027-13-01,holiday,x\n"  # not a date
        "2027-05-01,vacation,劳动节\n"  # unknown kind
        "2027-01-01,holiday,元旦\n"  # listed twice
        "2027-05-06,workday,劳动节\n"  # a Thursday cannot be a make-up day
        "2027-05-07\n"  # too few fields
    )
    with pytest.raises(CommandError) as info:
        call_command("calendar_set_year", "2027", file=write(tmp_path, text))
    assert "line 14: 2026-10-01" in str(info.value)
    with pytest.raises(InvalidInput) as refused:
        calendar_year_set(actor=None, year=2027, rows=parse_arrangement(text))
    codes = {(p.index, p.code) for p in refused.value.problems}
    assert codes == {
        (14, "date_outside_year"),
        (15, "bad_date"),
        (16, "bad_kind"),
        (17, "duplicate_date"),
        (18, "workday_not_weekend"),
        (19, "bad_kind"),
    }
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_an_empty_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="没有任何日期"):
        call_command("calendar_set_year", "2027", file=write(tmp_path, "date,kind,name\n"))


def test_a_notice_may_reach_back_into_december_but_not_into_another_arrangement(db):
    calendar_year_set(
        actor=None, year=2027, rows=[{"date": "2026-12-26", "kind": "workday", "name": "元旦"}]
    )
    assert wt.is_working_day(date(2026, 12, 26))
    with pytest.raises(InvalidInput) as refused:
        calendar_year_set(
            actor=None, year=2026, rows=[{"date": "2026-12-26", "kind": "holiday", "name": "x"}]
        )
    assert [p.code for p in refused.value.problems] == ["date_in_other_arrangement"]


def test_only_the_system_administrator_may_change_the_calendar(users):
    rows = [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]
    for name in ("commander", "security_admin", "auditor"):
        with pytest.raises(PermissionDenied):
            calendar_year_set(actor=users[name], year=2027, rows=rows)
    row = calendar_year_set(actor=users["system_admin"], year=2027, rows=rows)
    assert row.entered_by == users["system_admin"]


def test_seed_is_idempotent_repairs_package_years_and_keeps_manual_ones(db):
    first = calendar_seed(actor=None)
    assert first.written == []
    assert len(first.unchanged) == 23
    CalendarDay.objects.filter(date=date(2026, 10, 1)).delete()
    calendar_year_set(
        actor=None, year=2025, rows=[{"date": "2025-01-01", "kind": "holiday", "name": "元旦"}]
    )
    second = calendar_seed(actor=None)
    assert second.written == [2026]
    assert second.kept_manual == [2025]
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.filter(calendar_year__year=2025).count() == 1
    assert calendar_seed(actor=None).written == []


def test_seed_command_reports(db, capsys):
    call_command("calendar_seed")
    assert "written: none" in capsys.readouterr().out


def test_office_hours_change_moves_deadlines_at_once(users):
    start = at(2026, 3, 10, 17, 0)
    assert wt.add_working_minutes(start, 60) == at(2026, 3, 11, 9, 0)
    hours = OfficeHours.objects.get(pk=1)
    hours.afternoon_end = time(18, 0)
    office_hours_update(actor=users["system_admin"], hours=hours)
    assert wt.add_working_minutes(start, 60) == at(2026, 3, 10, 18, 0)
    hours.afternoon_end = time(13, 0)
    with pytest.raises(InvalidInput):
        office_hours_update(actor=users["system_admin"], hours=hours)


def test_a_change_made_by_another_process_is_seen_through_the_revision(db):
    assert wt.is_working_day(date(2027, 1, 1))
    row = CalendarYear.objects.create(year=2027, source=Source.MANUAL, entered_at=at(2026, 12, 1))
    CalendarDay.objects.create(calendar_year=row, date=date(2027, 1, 1), kind="holiday")
    assert wt.is_working_day(date(2027, 1, 1))  # still the cached snapshot
    OfficeHours.objects.filter(pk=1).update(revision=uuid.uuid4())
    assert not wt.is_working_day(date(2027, 1, 1))


def test_years_page_data_lists_the_missing_next_year(db):
    years = {status.year: status for status in calendar_years()}
    assert years[2026].holidays == 33
    assert years[2026].workdays == 6
    assert years[2026].has_data
    assert not years[2027].has_data
    assert min(years) == 2004


def test_next_years_warning_appears_from_november(db):
    assert calendar_warnings(date(2026, 3, 1)) == []
    (warning,) = calendar_warnings(date(2026, 11, 2))
    assert "2027" in str(warning)


def test_unreadable_json_is_refused_with_its_position():
    with pytest.raises(InvalidInput) as refused:
        parse_arrangement('[{"date": "2027-01-01",')
    assert refused.value.problems[0].code == "bad_json"
    with pytest.raises(InvalidInput):
        parse_arrangement('["2027-01-01"]')
