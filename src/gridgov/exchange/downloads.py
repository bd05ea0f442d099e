"""The files an importer downloads, shared by the API and the pages."""

from __future__ import annotations

import csv
import io
from itertools import chain

from django.http import HttpResponse, StreamingHttpResponse

from gridgov.exchange import selectors
from gridgov.exchange.columns import example_row, headers
from gridgov.exchange.models import ImportJob
from gridgov.exchange.readers import write_csv, xlsx_bytes


class _Line:
    """A file-like sink that hands back what csv.writer wrote for one row."""

    def write(self, text: str) -> str:
        return text


def error_report(job: ImportJob) -> StreamingHttpResponse:
    """Streamed row by row: a department file may have refused a million rows."""
    writer = csv.writer(_Line())
    lines = chain(["\ufeff"], (writer.writerow(row) for row in selectors.import_error_rows(job)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
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
        buffer = io.StringIO()
        write_csv(buffer, rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
