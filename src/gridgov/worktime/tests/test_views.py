from __future__ import annotations

from datetime import date, datetime, time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.audit.models import AuditEntry
from gridgov.worktime import calendar as wt
from gridgov.worktime.calendar import SHANGHAI
from gridgov.worktime.models import CalendarDay, CalendarYear, OfficeHours

YEARS = "/worktime/years/"
ARRANGEMENT = "2027-01-01,休,元旦\n2027-01-02,休,元旦\n2027-01-03,休,元旦\n"


def test_anyone_logged_in_reads_the_years_but_gets_no_form(client_for):
    page = client_for("dispatcher").get(YEARS)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="year-2026"' in body
    assert 'id="year-2027"' in body
    assert 'id="enter-year"' not in body


def test_anonymous_visitors_are_sent_to_log_in(db):
    page = Client().get(YEARS)
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


def test_only_the_system_administrator_may_post(client_for):
    for name in ("commander", "security_admin"):
        page = client_for(name).post(YEARS, {"year": 2027, "text": ARRANGEMENT, "complete": "on"})
        assert page.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_administrator_pastes_the_2027_arrangement(client_for):
    client = client_for("system_admin")
    assert 'id="enter-year"' in client.get(YEARS).content.decode()
    page = client.post(YEARS, {"year": 2027, "text": ARRANGEMENT, "complete": "on"}, follow=True)
    assert page.status_code == 200
    assert CalendarDay.objects.filter(calendar_year__year=2027).count() == 3
    assert not wt.is_working_day(date(2027, 1, 1))
    assert AuditEntry.objects.filter(action="worktime.calendar_year_set").exists()
    detail = client.get("/worktime/years/2027/").content.decode()
    assert "元旦" in detail


def test_an_uploaded_file_works_too(client_for):
    upload = SimpleUploadedFile("2027.csv", ARRANGEMENT.encode("utf-8-sig"))
    page = client_for("system_admin").post(YEARS, {"year": 2027, "file": upload, "complete": "on"})
    assert page.status_code == 302
    assert wt.year_has_official_data(2027)


def test_bad_lines_are_listed_and_nothing_is_saved(client_for):
    text = ARRANGEMENT + "2027-02-30,休,春节\n2027-03-03,班,春节\n"
    page = client_for("system_admin").post(YEARS, {"year": 2027, "text": text, "complete": "on"})
    assert page.status_code == 422
    body = page.content.decode()
    assert 'id="year-errors"' in body
    assert "2027-02-30" in body
    assert "2027-03-03" in body
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_empty_form_is_refused(client_for):
    page = client_for("system_admin").post(YEARS, {"year": 2027, "text": "  "})
    assert page.status_code == 422
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_2026_page_lists_the_spring_festival_and_years_far_out_are_not_found(client_for):
    client = client_for("analyst")
    body = client.get("/worktime/years/2026/").content.decode()
    assert "2026-02-17" in body
    assert "春节" in body
    assert client.get("/worktime/years/99999/").status_code == 404


def test_system_administrator_edits_office_hours_in_the_admin(client_for):
    client = client_for("system_admin")
    form = {
        **dict.fromkeys(OfficeHours.WEEKDAY_FIELDS[:5], "on"),
        "morning_start": "08:30",
        "morning_end": "12:00",
        "afternoon_start": "13:30",
        "afternoon_end": "18:00",
    }
    assert client.post("/admin/worktime/officehours/1/change/", form).status_code == 302
    assert OfficeHours.objects.get(pk=1).afternoon_end == time(18, 0)
    assert AuditEntry.objects.filter(action="worktime.office_hours_update").exists()
    five_pm = datetime(2026, 3, 10, 17, 0, tzinfo=SHANGHAI)
    assert wt.add_working_minutes(five_pm, 60) == datetime(2026, 3, 10, 18, 0, tzinfo=SHANGHAI)


def test_other_roles_cannot_edit_office_hours(client_for):
    page = client_for("security_admin").get("/admin/worktime/officehours/1/change/")
    assert page.status_code == 403
