"""CSV files people open in Excel: the error report of an import, its template, address matches."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence


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
        yield writer.writerow(row)
