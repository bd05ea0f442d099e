from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric

from gridgov.addresses.actions import library_generate
from gridgov.addresses.matcher import matcher_index_reset
from gridgov.addresses.models import Address
from gridgov.exchange.columns import headers
from gridgov.testing.tree import Tree


@pytest.fixture(autouse=True)
def _fresh_index(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    matcher_index_reset()
    yield
    matcher_index_reset()


@pytest.fixture
def library(tree: Tree, db: Any) -> Tree:
    library_generate(actor=None, scale="small", seed=3)
    return tree


def addresses(prefix: str, count: int) -> list[str]:
    """Labels of room-level addresses in grids under `prefix`."""
    rows = Address.objects.filter(grid_code__startswith=prefix, room__isnull=False).select_related(
        "road"
    )[:count]
    return [a.label for a in rows]


def id_number(serial: int, birth: str = "19900101") -> str:
    base = f"320104{birth}{serial % 1000:03d}"
    return next(base + c for c in "0123456789X" if ric.is_valid(base + c))


def people_rows(count: int, prefix: str = "320104001") -> list[list[str]]:
    """Valid people rows with room-level addresses in grids under `prefix`."""
    places = addresses(prefix, count)
    return [
        [f"居民{i}", id_number(i), "", "", f"1381234{i:04d}", "户籍人口", places[i], "2020-01-01"]
        for i in range(count)
    ]


def csv_bytes(kind: str, rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(kind))
    writer.writerows(rows)
    return buffer.getvalue().encode()


def write(path: Path, kind: str, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers(kind))
        writer.writerows(rows)
    return path


def xlsx_with_sheet(change: Callable[[bytes], bytes]) -> bytes:
    """A people workbook of one valid-looking row whose first sheet's XML is `change`d."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(headers("people"))
    book.active.append(["张三", "320104199001011234", "", "", "", "户籍人口", "某路1号", ""])
    plain = io.BytesIO()
    book.save(plain)
    changed = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as z:
        for part in source.infolist():
            data = source.read(part.filename)
            z.writestr(
                part.filename, change(data) if part.filename.endswith("sheet1.xml") else data
            )
    return changed.getvalue()


# Hostile workbooks (issue 8, item 9): each is refused as a file, none reaches a 500.
ENTITY = xlsx_with_sheet(
    lambda xml: (
        b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        + xml.replace(b"<v>", b"<v>&b;", 1)
    )
)
TRUNCATED = xlsx_with_sheet(lambda xml: xml[: len(xml) // 2])
# 8 MB of blanks inside the sheet deflate to a few kilobytes.
INFLATED = xlsx_with_sheet(
    lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (8 << 20))
)
