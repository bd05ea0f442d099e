"""The demo's rental warnings stand in every state, and every demo account's level and
department has the last week's daily reports and the week's report, the latest with its PDF."""

from datetime import UTC, datetime, timedelta

from gridgov.demo.actions import demo_city_seed
from gridgov.rentals.models import MeterReading, RentalCase
from gridgov.rentals.workflow import Status
from gridgov.reports.actions import report_units
from gridgov.reports.models import Report

UNTIL = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)


def test_rental_warnings_in_every_state_and_a_week_of_reports(db):
    demo_city_seed(scale="small", seed=1, progress=False, until=UNTIL)
    states = set(RentalCase.objects.unscoped().values_list("status", flat=True))
    assert states == set(Status.values)
    assert MeterReading.objects.unscoped().filter(home__isnull=True).exists()
    nodes, departments = report_units()
    units = len(nodes) + len(departments)
    reports = Report.objects.unscoped()
    assert reports.filter(period="day").count() == 7 * units
    assert reports.filter(period="week").count() == units
    latest = reports.filter(period="day", start=UNTIL.date() - timedelta(days=1))
    assert latest.count() == units
    assert all(r.pdf for r in latest)
