from __future__ import annotations

import csv
import io
from collections.abc import Iterator
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
