"""The lists that export, each described once by its domain (`<domain>/exports.py`).

A list is its columns and a function that gives the caller's rows for the filters of the
page's query string: the same function the page's own filters go through, so the file holds
exactly what the page shows, within the caller's right, however many pages that is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound

if TYPE_CHECKING:
    from gridgov.accounts.models import User

Params = Mapping[str, str]


@dataclass(frozen=True)
class Column:
    """`value` is what the page shows (masked, where the data is personal); `revealed`, for
    personal data only, the value in clear, written only for a user with the right and a
    purpose."""

    header: str | Promise
    value: Callable[[Any], object]
    revealed: Callable[[Any], object] | None = None


@dataclass(frozen=True)
class ListExport:
    """`secret_params` are filters that are personal data themselves (a search by ID number):
    the page posts them in the form's body, never in an address, the audit row records only
    that they were given, and the file is always written in the request, never kept in a
    queued job."""

    name: str
    title: str | Promise
    columns: Sequence[Column]
    rows: Callable[[User, Params], Iterable[Any]]
    secret_params: frozenset[str] = frozenset()

    @property
    def personal(self) -> bool:
        return any(c.revealed is not None for c in self.columns)


_LISTS: dict[str, ListExport] = {}


def list_register(spec: ListExport) -> ListExport:
    _LISTS[spec.name] = spec
    return spec


def list_get(name: str) -> ListExport:
    spec = _LISTS.get(name)
    if spec is None:
        raise NotFound(_("No such list to export."), code="export_list_not_found")
    return spec


def table(spec: ListExport, rows: Iterable[Any], *, reveal: bool) -> Iterable[list[object]]:
    """The header, then a line a row: masked, or in clear where revealed."""
    yield [str(c.header) for c in spec.columns]
    for row in rows:
        yield [
            (c.revealed if reveal and c.revealed is not None else c.value)(row)
            for c in spec.columns
        ]
