"""The demo's reports: the last week of daily reports and last week's weekly report for
every level and department where a demo account sits, generated as the morning task does.
Yesterday's and the week's PDFs are rendered now; the older days' on their first download,
which keeps the seed fast (a PDF takes 0.2 to 1 s)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node
from gridgov.reports.actions import report_generate, report_units

DAYS = 7


def reports_seed(today: date) -> int:
    """The week before `today` (the end of the demo's history)."""
    nodes, departments = report_units()
    units: list[dict[str, Any]] = [
        *({"node": n} for n in Node.objects.unscoped().filter(pk__in=nodes)),
        *(
            {"department": d}
            for d in Department.objects.unscoped().select_related("node").filter(pk__in=departments)
        ),
    ]
    made = 0
    for unit in units:
        for back in range(DAYS, 0, -1):
            report_generate(
                **unit, period="day", start=today - timedelta(days=back), with_pdf=back == 1
            )
            made += 1
        report_generate(**unit, period="week", start=today - timedelta(days=7))
        made += 1
    return made
