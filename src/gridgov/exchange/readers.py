"""Streaming CSV and XLSX readers: a file of millions of rows is never held in memory.

Each reader yields lists of cell strings; the first is the header. Text
files are tried as UTF-8 (with or without BOM), then GB18030, the encoding
Excel on a Chinese Windows writes its CSV in.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput, Problem

XLSX_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 1 << 20
# An .xlsx is a zip of XML, which compresses about tenfold; a 2 MB file that inflates to 2 GB
# held a worker for 90 s. The zip's own directory says how large each part is, and zipfile
# never inflates a part past what it declares, so checking the declaration bounds the parse.
XLSX_MAX_UNPACKED = 1 << 30
XLSX_MAX_RATIO = 100
XLSX_MAX_PARTS = 1000
# A part this small may be all repetition (an empty sheet's styles) without harm.
_RATIO_FLOOR = 1 << 20


class FileRejected(InvalidInput):
    """The file as a whole cannot be imported: nothing in it is read further."""

    code = "file_rejected"


def _reject(code: str, message: object) -> FileRejected:
    return FileRejected(str(message), problems=[Problem(code=code, message=str(message))])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if b"\x00" in head:
        raise _reject("wrong_kind", _("This is not a CSV or Excel file."))
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multibyte character may be cut at the sniff boundary.
        if exc.start < len(head) - 4:
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                raise _reject(
                    "bad_encoding", _("The file is neither UTF-8 nor GB18030 text.")
                ) from None
            return "gb18030"
    return "utf-8"


def _csv_rows(path: Path) -> Iterator[list[str]]:
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        try:
            for row in csv.reader(handle):
                yield [cell.strip() for cell in row]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _reject(
                "corrupt", _("The CSV file is damaged: %(error)s") % {"error": exc}
            ) from exc


def _xlsx_inflation_checked(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _corrupt() from exc
    unpacked = sum(part.file_size for part in parts)
    inflated = any(
        part.file_size > _RATIO_FLOOR
        and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if len(parts) > XLSX_MAX_PARTS or unpacked > XLSX_MAX_UNPACKED or inflated:
        raise _reject(
            "too_large_unpacked",
            _(
                "The Excel file unpacks to more than %(gb)d GB or more than %(ratio)d times "
                "its size; save it again in Excel, or split it."
            )
            % {"gb": XLSX_MAX_UNPACKED >> 30, "ratio": XLSX_MAX_RATIO},
        )


def _corrupt() -> FileRejected:
    return _reject("corrupt", _("The Excel file is damaged or not an .xlsx workbook."))


# What openpyxl and the XML parser under it raise for a damaged part: a truncated sheet is a
# ParseError (a SyntaxError), a DTD or entity is refused by defusedxml (a ValueError).
_DAMAGED = (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, EOFError)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    _xlsx_inflation_checked(path)
    # A file object, not the path: openpyxl judges a path by its suffix, and the content
    # decides here (an .xlsx renamed to .csv is still a workbook).
    handle = path.open("rb")
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except _DAMAGED as exc:
        handle.close()
        raise _corrupt() from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    except _DAMAGED as exc:
        raise _corrupt() from exc
    finally:
        book.close()
        handle.close()


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells), header first as row 1, blank rows skipped; by content, not name."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if not magic:
        raise _reject("empty", _("The file is empty."))
    rows = _xlsx_rows(path) if magic == XLSX_MAGIC else _csv_rows(path)
    for number, row in enumerate(rows, start=1):
        while row and not row[-1]:
            row.pop()
        if row:
            yield number, row


def saved_upload(upload: UploadedFile[bytes]) -> Path:
    """An upload on disk, where the readers stream it from; the caller removes it."""
    suffix = Path(upload.name or "").suffix.lower()[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)
