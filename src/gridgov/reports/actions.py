"""Every write of the reports: generate one unit's report for one period, and fan the
morning's reports out as one task per unit.

A report is written in the site's language (LANGUAGE_CODE), as a letter is: its sections
store their text, so the page, the PDF and the workbook show the same words.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.roles import ADMIN_ROLES
from gridgov.audit.actions import audit_record
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register
from gridgov.reports import rendering
from gridgov.reports.models import Period as PeriodChoice
from gridgov.reports.models import Report
from gridgov.reports.sections import Period, PeriodKind, Unit, build_sections
from gridgov.tasks.actions import task_enqueue

GENERATE_TASK = "gridgov.reports.generate"
NOTICE_KIND = "report"
kind_register(NOTICE_KIND, gettext_lazy("report ready"))

TITLES = {
    PeriodKind.DAY: gettext_lazy("Daily report %(day)s: %(unit)s"),
    PeriodKind.WEEK: gettext_lazy("Weekly report from %(day)s: %(unit)s"),
    PeriodKind.MONTH: gettext_lazy("Monthly report %(month)s: %(unit)s"),
}


def _readers(unit: Unit) -> list[int]:
    """The accounts of the unit, administrators aside (they run the platform, not the area)."""
    # The unit's own accounts, named below by their node or department.
    accounts = User.objects.unscoped().filter(is_active=True).exclude(role__in=ADMIN_ROLES)
    if unit.department is not None:
        accounts = accounts.filter(department=unit.department)
    else:
        accounts = accounts.filter(node=unit.node, department__isnull=True)
    return list(accounts.values_list("pk", flat=True))


def report_generate(
    *,
    node: Node | None = None,
    department: Department | None = None,
    period: str,
    start: date,
    with_pdf: bool = True,
) -> Report:
    """Build, store and render one report, then tell the unit's accounts. Safe to run twice:
    the row is replaced, the PDF rewritten, and the notice (keyed by the report) sent once.
    Without `with_pdf` (the demo's older days) the PDF is rendered when first downloaded."""
    if period not in PeriodKind.ALL:
        raise InvalidInput(_("No such period."), code="bad_period")
    unit = Unit(node=node, department=department)
    span = Period.of(period, start)
    with translation.override(settings.LANGUAGE_CODE):
        sections = build_sections(unit, span)
        title = TITLES[period] % {
            "day": span.start.isoformat(),
            "month": span.start.strftime("%Y-%m"),
            "unit": unit.name,
        }
    with transaction.atomic():
        lookup = {"department": department} if department is not None else {"node": node}
        report, _created = Report.objects.unscoped().update_or_create(
            **lookup,
            period=period,
            start=span.start,
            defaults={
                "end": span.end,
                "title": title,
                "sections": sections,
                "generated_at": timezone.now(),
            },
        )
        audit_record(
            actor=None,
            action="reports.generate",
            target=report,
            detail={"period": period, "start": span.start.isoformat()},
        )
    if with_pdf:
        report.pdf.save(
            f"report-{report.pk}.pdf",
            ContentFile(rendering.pdf_bytes(report, settings.LANGUAGE_CODE)),
            save=True,
        )
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=NOTICE_KIND,
            key=f"reports.report:{report.pk}",
            title=title,
            link=reverse("reports:detail", args=[report.pk]),
            recipients=_readers(unit),
        )
    return report


def report_units() -> tuple[list[int], list[int]]:
    """(node ids, department ids) where an account sits: every level somebody reads."""
    # The unit's own accounts, named below by their node or department.
    accounts = User.objects.unscoped().filter(is_active=True).exclude(role__in=ADMIN_ROLES)
    nodes = accounts.filter(node__isnull=False, department__isnull=True).values_list(
        "node_id", flat=True
    )
    departments = accounts.filter(department__isnull=False).values_list("department_id", flat=True)
    return sorted(set(nodes)), sorted(set(departments))


def periods_due(today: date) -> list[tuple[str, date]]:
    """Each morning yesterday's daily report; on Mondays last week's; on the 1st last month's."""
    yesterday = today - timedelta(days=1)
    due = [(PeriodKind.DAY, yesterday)]
    if today.weekday() == 0:
        due.append((PeriodKind.WEEK, today - timedelta(days=7)))
    if today.day == 1:
        due.append((PeriodKind.MONTH, yesterday.replace(day=1)))
    return due


@transaction.atomic
def reports_fan_out(*, today: date | None = None) -> int:
    """One generate task per unit and period due, queued through the outbox in one commit."""
    today = today or timezone.localdate()
    nodes, departments = report_units()
    queued = 0
    for period, start in periods_due(today):
        for node_id in nodes:
            task_enqueue(
                task=GENERATE_TASK, node_id=node_id, period=period, start=start.isoformat()
            )
            queued += 1
        for department_id in departments:
            task_enqueue(
                task=GENERATE_TASK,
                department_id=department_id,
                period=period,
                start=start.isoformat(),
            )
            queued += 1
    return queued


def report_request(*, actor: User, period: str, start: date) -> Report:
    """The caller's own unit's report for a period, generated now (a centre re-reading a day)."""
    if actor.role in ADMIN_ROLES:
        raise PermissionDenied(_("Reports are for the staff of an area."))
    if period not in PeriodChoice.values:
        raise InvalidInput(_("No such period."), code="bad_period")
    if start > timezone.localdate():
        raise InvalidInput(_("A period that has begun."), code="future_period")
    if actor.department_id is not None:
        return report_generate(department=actor.department, period=period, start=start)
    return report_generate(node=actor.node, period=period, start=start)
