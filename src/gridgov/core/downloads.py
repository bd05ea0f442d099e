"""Spreadsheets people open in Excel: the error report of an import, its template, address
matches. Every cell of every CSV and XLSX download goes through `spreadsheet_cell`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

# Excel, LibreOffice and WPS run a cell that starts with one of these as a formula
# (OWASP "CSV injection"): =HYPERLINK(...) from an imported row would leak or mislead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def spreadsheet_cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading quote, which it shows
    as text; numbers, and text that is just a signed number, stay numbers."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class _Line:
    """A file-like sink that hands back what csv.writer wrote for one row."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """A BOM first, or Excel shows the Chinese text garbled; then a line a row, so a large
    file can stream without being held whole."""
    writer = csv.writer(_Line())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([spreadsheet_cell(value) for value in row])


def xlsx_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet; openpyxl would store a string starting with "=" as a formula."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append([spreadsheet_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
