"""Every read of assessment: scorecards and rankings from the daily counts, scoped.

A scorecard or ranking reads IndicatorDaily only, never the event tables, and
sums the days of its period; a unit outside the caller's jurisdiction answers
NotFound, as everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.assessment.indicators import INDICATOR_BY_CODE, INDICATORS, Indicator
from gridgov.assessment.models import COUNT_COLUMNS, HandlingScore, IndicatorDaily, UnitKind
from gridgov.assessment.staffing import StaffingRow, staffing_rows
from gridgov.core.errors import InvalidInput, NotFound, ProblemList
from gridgov.core.scope import Scope, ScopedQuerySet
from gridgov.departments.models import Department
from gridgov.departments.selectors import departments_visible
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import node_get, nodes_visible, scope_of

if TYPE_CHECKING:
    from django.db.models import Model

    from gridgov.accounts.models import User

PERIODS = ("day", "month", "quarter")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)


def _month_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(kind: str, start: date) -> Period:
    """A day, or a calendar month or quarter that must begin on its first day."""
    problems = ProblemList()
    if kind not in PERIODS:
        problems.add(
            "unknown_period", _("The period is day, month or quarter."), field="period", item=kind
        )
    elif kind != "day" and start.day != 1:
        problems.add("bad_start", _("A month or quarter starts on its first day."), field="start")
    elif kind == "quarter" and start.month % 3 != 1:
        problems.add(
            "bad_start",
            _("A quarter starts on 1 January, April, July or October."),
            field="start",
        )
    problems.raise_if_any(_("The period is not valid."))
    if kind == "day":
        return Period(kind, start, start + timedelta(days=1))
    return Period(kind, start, _month_after(start, 1 if kind == "month" else 3))


@dataclass(frozen=True)
class Value:
    indicator: Indicator
    value: float | None
    numerator: int
    denominator: int


def _value(indicator: Indicator, sums: dict[str, int]) -> Value:
    return Value(
        indicator,
        indicator.value_of(sums),
        indicator.numerator_of(sums),
        sums[indicator.denominator],
    )


@dataclass(frozen=True)
class Scorecard:
    unit_kind: str
    unit: Node | Department
    period: Period
    values: list[Value]


def _visible_nodes(user: User) -> ScopedQuerySet[Node]:
    """Department handlers are assessed as their department, not as a level."""
    if scope_of(user).is_department:
        return Node.objects.none()
    return nodes_visible(user)


def _visible_departments(user: User) -> ScopedQuerySet[Department]:
    scope = scope_of(user)
    departments = departments_visible(user)
    if scope.is_department:
        return departments.filter(pk=scope.department_id or 0)
    return departments


def _unit_kind(kind: str) -> UnitKind:
    problems = ProblemList()
    if kind not in UnitKind.values:
        problems.add("unknown_unit", _("The unit is node or department."), field="unit", item=kind)
    problems.raise_if_any(_("The unit is not valid."))
    return UnitKind(kind)


def _unit_get(user: User, kind: UnitKind, code: str) -> Node | Department:
    if kind == UnitKind.NODE:
        if scope_of(user).is_department:
            raise NotFound(
                _("No such jurisdiction node: %(code)s") % {"code": code}, code="node_not_found"
            )
        return node_get(user, code)
    department = _visible_departments(user).filter(code=code).first()
    if department is None:
        raise NotFound(
            _("No such department: %(code)s") % {"code": code}, code="department_not_found"
        )
    return department


def _sums_by_unit(kind: UnitKind, units: list[int], period: Period) -> dict[int, dict[str, int]]:
    """The units were read through the caller's scope already; their counts follow them."""
    key = "node" if kind == UnitKind.NODE else "department"
    rows = (
        IndicatorDaily.objects.unscoped()
        .filter(
            unit_kind=kind,
            day__gte=period.start,
            day__lt=period.end,
            **{f"{key}__in": units},
        )
        .order_by()
        .values(key)
        .annotate(**{c: Sum(c) for c in COUNT_COLUMNS})
    )
    return {row[key]: {c: int(row[c] or 0) for c in COUNT_COLUMNS} for row in rows}


_NOTHING = dict.fromkeys(COUNT_COLUMNS, 0)


def unit_values(unit: Node | Department, start: date, end: date) -> list[Value]:
    """A unit's indicators over [start, end), for a caller that read the unit through its
    own scope already (a report for that unit)."""
    kind = UnitKind.DEPARTMENT if isinstance(unit, Department) else UnitKind.NODE
    sums = _sums_by_unit(kind, [unit.pk], Period("span", start, end)).get(unit.pk, _NOTHING)
    return [_value(i, sums) for i in INDICATORS if kind == UnitKind.NODE or i.for_departments]


def scorecard(user: User, *, unit_kind: str, code: str, period: str, start: date) -> Scorecard:
    kind = _unit_kind(unit_kind)
    window = period_of(period, start)
    unit = _unit_get(user, kind, code)
    sums = _sums_by_unit(kind, [unit.pk], window).get(unit.pk, _NOTHING)
    shown = [i for i in INDICATORS if kind == UnitKind.NODE or i.for_departments]
    return Scorecard(kind, unit, window, [_value(i, sums) for i in shown])


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    unit: Model
    value: Value


@dataclass(frozen=True)
class Ranking:
    unit_kind: str
    indicator: Indicator
    period: Period
    rows: list[RankRow]


def ranking(
    user: User,
    *,
    unit_kind: str,
    indicator: str,
    period: str,
    start: date,
    level: int | None = None,
    within: str = "",
) -> Ranking:
    """Units ranked best first on one indicator; units with no value come last, unranked.

    Nodes are those of one level, optionally inside one node (`within`); departments are
    those the caller sees, optionally serving a node inside `within`.
    """
    kind = _unit_kind(unit_kind)
    window = period_of(period, start)
    problems = ProblemList()
    chosen = INDICATOR_BY_CODE.get(indicator)
    if chosen is None:
        problems.add(
            "unknown_indicator", _("No such indicator."), field="indicator", item=indicator
        )
    if kind == UnitKind.NODE and level not in Level.values:
        problems.add("bad_level", _("Name a level of the tree (1–5)."), field="level")
    if problems or chosen is None:
        raise InvalidInput(_("The ranking cannot be made."), problems=problems.problems)
    units: list[Node] | list[Department]
    if kind == UnitKind.NODE:
        nodes = _visible_nodes(user).filter(level=level or 0)
        if within:
            nodes = nodes.visible_to(Scope.within(_unit_get(user, UnitKind.NODE, within).code))
        units = list(nodes.order_by("code"))
    else:
        departments = _visible_departments(user).order_by("code")
        if within:
            inside = node_get(user, within)
            departments = departments.visible_to(Scope.under(inside))
        units = list(departments)
    sums = _sums_by_unit(kind, [u.pk for u in units], window)
    scored = [(u, _value(chosen, sums.get(u.pk, _NOTHING))) for u in units]
    sign = 1 if chosen.higher_is_better else -1
    valued = sorted(
        ((u, v, sign * v.value) for u, v in scored if v.value is not None),
        key=lambda s: s[2],
        reverse=True,
    )
    # Equal values share a rank (1, 2, 2, 4).
    rows = [RankRow(1 + sum(1 for *_, b in valued if b > key), u, v) for u, v, key in valued]
    rows += [RankRow(None, u, v) for u, v in scored if v.value is None]
    return Ranking(kind, chosen, window, rows)


def handling_score_of(event: Event) -> HandlingScore | None:
    """The centre's score of an event already fetched through the events selectors."""
    return HandlingScore.objects.filter(event=event).select_related("by").first()


def staffing_of(user: User, code: str) -> list[tuple[Node, StaffingRow]]:
    """The grids under a node the caller sees, each with its workload-based recommendation."""
    node = node_get(user, code)
    grids = list(
        nodes_visible(user).visible_to(Scope.under(node)).filter(level=Level.GRID).order_by("code")
    )
    rows = staffing_rows([g.pk for g in grids], timezone.localdate())
    return list(zip(grids, rows, strict=True))
