"""The report's sections, as a registry: each domain contributes what it knows.

A section builder takes the unit (a node or a department, with the scope it reads through)
and the period, and answers a `Section` of figures and an optional table, or None when it
has nothing for that unit. The domains below reports (indices, patrols, the grid workers'
assessment, hazards, prompt notices) cannot import this registry without running up the
layers, so their sections are read through their selectors in `area_sections` (ADR 0038);
the report stores what the sections answered as JSON, so a page, the PDF and the workbook
render the same stored report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import Promise

from gridgov.core.scope import Scope
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node


class PeriodKind:
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    ALL = (DAY, WEEK, MONTH)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    # The first day after the period.
    end: date

    @classmethod
    def of(cls, kind: str, start: date) -> Period:
        if kind == PeriodKind.DAY:
            return cls(kind, start, start + timedelta(days=1))
        if kind == PeriodKind.WEEK:
            monday = start - timedelta(days=start.weekday())
            return cls(kind, monday, monday + timedelta(days=7))
        if kind == PeriodKind.MONTH:
            first = start.replace(day=1)
            return cls(kind, first, (first + timedelta(days=32)).replace(day=1))
        raise ValueError(kind)

    def _moment(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def start_at(self) -> datetime:
        return self._moment(self.start)

    @property
    def end_at(self) -> datetime:
        return self._moment(self.end)


@dataclass(frozen=True)
class Unit:
    """Whose report: a node of the tree, or a department (which sees what was sent to it)."""

    node: Node | None = None
    department: Department | None = None

    def __post_init__(self) -> None:
        if (self.node is None) == (self.department is None):
            raise ValueError("a report's unit is one node or one department")

    @property
    def scope(self) -> Scope:
        if self.department is not None:
            return Scope(prefix=self.department.node.code, department_id=self.department.pk)
        return Scope.under(cast(Node, self.node))

    @property
    def name(self) -> str:
        if self.department is not None:
            return self.department.name
        return cast(Node, self.node).name


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]


@dataclass
class Section:
    code: str
    title: str
    figures: list[tuple[str, Any]] = field(default_factory=list)
    table: Table | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


Builder = Callable[[Unit, Period], Section | None]


@dataclass(frozen=True)
class Registered:
    code: str
    title: str | Promise
    build: Builder
    order: int


_SECTIONS: dict[str, Registered] = {}


def register_section(code: str, title: str | Promise, build: Builder, *, order: int = 100) -> None:
    """Add a section to every report from now on; the same code again replaces it."""
    _SECTIONS[code] = Registered(code, title, build, order)


def registered() -> list[Registered]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.code))


def build_sections(unit: Unit, period: Period) -> list[dict[str, Any]]:
    built = (entry.build(unit, period) for entry in registered())
    return [section.as_json() for section in built if section is not None]
