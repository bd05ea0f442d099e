"""The columns of each kind's file: Chinese headers, as the templates carry them.

Derived from the registry's record specs (registry.records): a field with a
header is a column, in the spec's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.exchange.models import ImportKind
from gridgov.registry.records import BY_IMPORT, RecordField


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool = False
    personal: bool = False

    @classmethod
    def of(cls, spec: RecordField) -> Column:
        return cls(spec.name, spec.header, spec.required, spec.personal)


COLUMNS: dict[str, tuple[Column, ...]] = {
    kind: tuple(Column.of(f) for f in BY_IMPORT[kind].imported) for kind in ImportKind.values
}


def choice(kind: str, field: str, cell: str) -> str | None:
    """The stored value for a cell (its Chinese word or the value itself), or None when it
    names no choice."""
    return BY_IMPORT[kind][field].cell_value(cell)


def headers(kind: str) -> list[str]:
    return [c.header for c in COLUMNS[kind]]


def example_row(kind: str) -> list[str]:
    """One filled-in row, so the template shows the expected forms."""
    return [f.example for f in BY_IMPORT[kind].imported]
