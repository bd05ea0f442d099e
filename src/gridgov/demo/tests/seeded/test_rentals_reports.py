"""The demo's rental warnings stand in every state, and every demo account's level and
department has the last week's daily reports and the week's report, the latest with a PDF
whose extracted text names its unit and reads in Chinese."""

import io
from datetime import timedelta

from pypdf import PdfReader

from gridgov.demo.tests.seeded.city import UNTIL
from gridgov.rentals.models import MeterReading, RentalCase
from gridgov.rentals.workflow import Status
from gridgov.reports.actions import report_units
from gridgov.reports.models import Report


def test_rental_warnings_in_every_state_and_a_week_of_reports(seeded):
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
    for report in latest.select_related("node", "department"):
        with report.pdf.open("rb") as f:
            text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
        unit = report.department or report.node
        assert unit is not None
        for words in (unit.name, "事件", "收到", "已结案", "层级流转"):
            assert words in text, (report.title, words)
