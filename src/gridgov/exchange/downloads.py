"""The files an importer downloads, shared by the API and the pages."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse

from gridgov.core.downloads import csv_lines, xlsx_bytes
from gridgov.exchange import selectors
from gridgov.exchange.columns import example_row, headers
from gridgov.exchange.models import ImportJob


def error_report(job: ImportJob) -> StreamingHttpResponse:
    """Streamed row by row: a department file may have refused a million rows."""
    response = StreamingHttpResponse(
        csv_lines(selectors.import_error_rows(job)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


def template_response(kind: str, fmt: str) -> HttpResponse:
    """A header row of Chinese column names and one example row, as CSV or XLSX."""
    rows = [headers(kind), example_row(kind)]
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse("".join(csv_lines(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
