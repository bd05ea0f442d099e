"""The report pages: the caller's reports, one report as a page, its PDF and its workbook."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from gridgov.accounts.requests import UserRequest
from gridgov.core.pages import page_view
from gridgov.reports import rendering, selectors
from gridgov.reports.models import Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@page_view
def report_list(request: UserRequest) -> HttpResponse:
    period = request.GET.get("period", "")
    period = period if period in Period.values else ""
    return render(
        request,
        "reports/list.html",
        {
            "reports": selectors.reports_mine(request.user, period=period)[:100],
            "period": period,
            "periods": Period.choices,
        },
    )


@page_view
def report_detail(request: UserRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    return render(request, "reports/detail.html", {"report": report})


@page_view
def report_pdf(request: UserRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    name = f"report-{report.start:%Y%m%d}-{report.period}.pdf"
    if report.pdf:
        with report.pdf.open("rb") as stored:
            content = stored.read()
    else:
        content = rendering.pdf_bytes(report, request.LANGUAGE_CODE)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page_view
def report_xlsx(request: UserRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get(request.user, report_id)
    response = HttpResponse(rendering.xlsx_bytes(report), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="report-{report.start:%Y%m%d}-{report.period}.xlsx"'
    )
    return response
