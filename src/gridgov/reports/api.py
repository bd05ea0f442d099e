"""Daily, weekly and monthly reports for every level: the caller's list, one report's
sections, and a report of the caller's own unit generated on request."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.paging import PageNumberPagination
from gridgov.reports import actions, selectors
from gridgov.reports.models import Report

router = Router(tags=["reports"])


class ReportOut(Schema):
    id: int
    title: str
    period: str
    start: date
    end: date = Field(description="The first day after the period.")
    node: str | None = Field(None, alias="node.code")
    department: str | None = Field(None, alias="department.code")
    generated_at: datetime


class ReportDetailOut(ReportOut):
    sections: list[dict[str, Any]]


class ReportIn(Schema):
    period: str = Field(description="day, week or month.")
    start: date = Field(description="A day of the period.")


@router.get("/reports", response=list[ReportOut])
@paginate(PageNumberPagination, page_size=50)
def report_list(request: HttpRequest, period: str = "") -> list[Report]:
    return selectors.reports_mine(request_user(request), period=period)  # type: ignore[return-value]


@router.get("/reports/{report_id}", response=ReportDetailOut)
def report_detail(request: HttpRequest, report_id: int) -> Report:
    return selectors.report_get(request_user(request), report_id)


@router.post("/reports", response={201: ReportDetailOut})
def report_request(request: HttpRequest, payload: ReportIn) -> Status[Report]:
    user = request_user(request)
    report = actions.report_request(actor=user, period=payload.period, start=payload.start)
    return Status(201, selectors.report_get(user, report.pk))
