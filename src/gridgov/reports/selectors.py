"""Every read of the reports, scoped: a node's staff read the reports of their tree, a
department's handlers their department's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.jurisdiction.selectors import scope_of
from gridgov.reports.models import Report

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def reports_visible(user: User) -> QuerySet[Report]:
    return Report.objects.visible_to(scope_of(user)).select_related("node", "department")


def reports_mine(user: User, *, period: str = "") -> QuerySet[Report]:
    """The reports of the caller's own unit, newest first."""
    reports = reports_visible(user)
    if user.department_id is not None:
        reports = reports.filter(department_id=user.department_id)
    else:
        reports = reports.filter(node=user.node)
    return reports.filter(period=period) if period else reports


def report_get(user: User, report_id: int) -> Report:
    report = reports_visible(user).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."), code="report_not_found")
    return report
