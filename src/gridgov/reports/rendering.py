"""The stored report as a PDF (WeasyPrint, the page's own template) and as a workbook.

WeasyPrint lays out with Debian's pango and embeds the subset of Noto Sans CJK the text
uses (fonts-noto-cjk, ADR 0031); the stylesheet is the page's static file, read from disk,
so nothing is fetched over the network while rendering.
"""

from __future__ import annotations

import io

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

from gridgov.core.downloads import spreadsheet_cell
from gridgov.reports.models import Report

STYLESHEET = "reports/report.css"


def pdf_bytes(report: Report, language: str) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string("reports/pdf.html", {"report": report})
    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):
        raise ImproperlyConfigured(f"static file {STYLESHEET} not found")
    return bytes(HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)]))


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
