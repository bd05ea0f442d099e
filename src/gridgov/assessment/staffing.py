"""Workload-based staffing: the grid workers a grid needs against the staff it has.

recommended = ⌈ Σ weight_f × (value_f ÷ carried by one worker_f) ÷ Σ weight_f ⌉, at least 1,
over the factors of StaffingFactor (data): population, homes, venues, events a month (the
last twelve months' average from the daily counts), and any factor a later domain adds
(patrol load) with `register_workload`. docs/indicators.md works an example through.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Sum

from gridgov.assessment.models import IndicatorDaily, StaffingFactor, UnitKind
from gridgov.jurisdiction.models import Node
from gridgov.registry.models import Home, Organisation
from gridgov.staffing.models import StaffAssignment

# A factor's value for each grid (by node id), read in one query for many grids.
Workload = Callable[[Sequence[int], date], dict[int, float]]

_WORKLOADS: dict[str, Workload] = {}


def register_workload(code: str, workload: Workload) -> None:
    """A domain that knows a load per grid (patrol routes, inspections) adds it by code; the
    factor counts once a StaffingFactor row of that code gives it a weight."""
    _WORKLOADS[code] = workload


def _population(grids: Sequence[int], today: date) -> dict[int, float]:
    rows = Node.objects.unscoped().filter(pk__in=grids).values_list("pk", "population")
    return {pk: float(p or 0) for pk, p in rows}


def _count(model: type[Home] | type[Organisation]) -> Workload:
    def workload(grids: Sequence[int], today: date) -> dict[int, float]:
        rows = (
            model.objects.unscoped()
            .filter(grid__in=grids)
            .order_by()
            .values("grid")
            .annotate(n=Count("pk"))
        )
        return {r["grid"]: float(r["n"]) for r in rows}

    return workload


def _events(grids: Sequence[int], today: date) -> dict[int, float]:
    """Events reported a month, averaged over the last twelve months."""
    rows = (
        IndicatorDaily.objects.unscoped()
        .filter(unit_kind=UnitKind.NODE, node__in=grids, day__gt=today - timedelta(days=365))
        .order_by()
        .values("node")
        .annotate(n=Sum("reported"))
    )
    return {r["node"]: float(r["n"] or 0) / 12 for r in rows}


register_workload("population", _population)
register_workload("homes", _count(Home))
register_workload("venues", _count(Organisation))
register_workload("events", _events)


@dataclass(frozen=True)
class Factor:
    code: str
    per_worker: float
    weight: float
    label: str = ""


def recommended(values: dict[str, float], factors: Sequence[Factor]) -> int:
    """The workers a grid needs for its loads; a grid always needs one."""
    total = sum(f.weight for f in factors)
    if total <= 0:
        return 1
    need = sum(f.weight * values.get(f.code, 0.0) / f.per_worker for f in factors) / total
    return max(1, math.ceil(need - 1e-9))


@dataclass(frozen=True)
class StaffingRow:
    grid_id: int
    loads: dict[str, float]
    recommended: int
    staff: int

    @property
    def gap(self) -> int:
        """Staff above (positive) or below (negative) the recommendation."""
        return self.staff - self.recommended


def factors() -> list[Factor]:
    return [
        Factor(f.code, f.per_worker, float(f.weight), f.label)
        for f in StaffingFactor.objects.all()
        if f.code in _WORKLOADS and f.per_worker > 0
    ]


def staffing_rows(grids: Sequence[int], today: date) -> list[StaffingRow]:
    """For grids the caller already chose through a scoped read (or every grid, for the
    monthly figures)."""
    chosen = factors()
    loads = {f.code: _WORKLOADS[f.code](grids, today) for f in chosen}
    staff = Counter(
        dict(
            StaffAssignment.objects.unscoped()
            .filter(grid__in=grids)
            .order_by()
            .values("grid")
            .annotate(n=Count("pk"))
            .values_list("grid", "n")
        )
    )
    rows = []
    for grid in grids:
        values = {code: by_grid.get(grid, 0.0) for code, by_grid in loads.items()}
        rows.append(StaffingRow(grid, values, recommended(values, chosen), staff[grid]))
    return rows
