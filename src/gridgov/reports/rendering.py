"""The stored report as a PDF (gridgov.core.pdf, the page's own template) and as a workbook."""

from __future__ import annotations

import io

from django.utils import translation

from gridgov.core.downloads import spreadsheet_cell
from gridgov.core.pdf import pdf_from_template
from gridgov.reports.models import Report

STYLESHEET = "reports/report.css"


def pdf_bytes(report: Report, language: str) -> bytes:
    with translation.override(language):
        return pdf_from_template("reports/pdf.html", {"report": report}, stylesheet=STYLESHEET)


def xlsx_bytes(report: Report) -> bytes:
    """A sheet per section: its figures, then its table."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import save_workbook

    book = Workbook(write_only=True)
    for section in report.sections:
        sheet = book.create_sheet(title=section["title"][:31])
        sheet.append([spreadsheet_cell(report.title)])
        for label, value in section["figures"]:
            sheet.append([spreadsheet_cell(label), spreadsheet_cell(value)])
        table = section.get("table")
        if table:
            sheet.append([])
            sheet.append([spreadsheet_cell(h) for h in table["headers"]])
            for row in table["rows"]:
                sheet.append([spreadsheet_cell(v) for v in row])
    buffer = io.BytesIO()
    save_workbook(book, buffer)
    return buffer.getvalue()
