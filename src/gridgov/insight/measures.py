"""The measure registry: every figure the panorama can colour the map by and an index can use.

A measure computes its value for every node of the tree for one month, once, in the monthly
task (actions.figures_refresh); pages read the stored NodeMonth rows only. Another domain
plugs its figures in with `register_measure` at import time (its apps.ready). Departments'
monthly figures ("figure:<code>") and indices ("index:<code>") are measures too, named by data.
docs/indicators.md gives every formula.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.assessment.actions import day_window
from gridgov.assessment.models import COUNT_COLUMNS, IndicatorDaily, UnitKind
from gridgov.assessment.selectors import Period, period_of
from gridgov.assessment.staffing import staffing_rows
from gridgov.events.models import Event
from gridgov.events.workflow import CLOSED_STATUSES, VOID_STATUSES
from gridgov.jurisdiction.models import CODE_LENGTH, Level, Node
from gridgov.registry.models import Home, Tenure

FIGURE_PREFIX = "figure:"
INDEX_PREFIX = "index:"


@dataclass(frozen=True)
class NodeRow:
    id: int
    code: str
    level: int
    population: int | None


# A daily index reads the thirty days ending on its day, so that its rates stand on the
# same scale as the month's and a quiet day does not swing it.
DAILY_WINDOW_DAYS = 30


class Month:
    """One month's inputs, each read once for the whole tree and summed up by code prefix (a
    node's code begins every code below it). `Month.ending(day)` is the rolling window of a
    daily index instead: the same inputs over the thirty days ending that day."""

    def __init__(self, start: date, period: Period | None = None) -> None:
        self.period = period or period_of("month", start)
        self.start = start
        rows = Node.objects.unscoped().values_list("pk", "code", "level", "population")
        self.nodes = [NodeRow(*row) for row in rows]
        self._by_code = {n.code: n for n in self.nodes}

    def roll_up(self, by_code: dict[str, Counter[str]]) -> dict[int, Counter[str]]:
        """Counts kept at the deepest code, added to each node whose code begins it."""
        out: dict[int, Counter[str]] = defaultdict(Counter)
        for code, counts in by_code.items():
            for length in CODE_LENGTH.values():
                node = self._by_code.get(code[:length]) if length <= len(code) else None
                if node is not None:
                    out[node.id].update(counts)
        return out

    @classmethod
    def ending(cls, day: date) -> Month:
        first = day - timedelta(days=DAILY_WINDOW_DAYS - 1)
        return cls(first, Period("window", first, day + timedelta(days=1)))

    @cached_property
    def indicator_sums(self) -> dict[int, Counter[str]]:
        """The month's IndicatorDaily counts per node (already summed up the tree per day)."""
        rows: Any = (
            IndicatorDaily.objects.unscoped()
            .filter(unit_kind=UnitKind.NODE, day__gte=self.period.start, day__lt=self.period.end)
            .order_by()
            .values("node_id")
            .annotate(**{c: Sum(c) for c in COUNT_COLUMNS})
        )
        return {r["node_id"]: Counter({c: int(r[c] or 0) for c in COUNT_COLUMNS}) for r in rows}

    @cached_property
    def event_classes(self) -> dict[int, Counter[str]]:
        """Events reported in the month by category class (the code's first two digits):
        "<class>" reported and "<class>:closed" closed by now, void ones left out."""
        start, _ = day_window(self.period.start)
        end, _ = day_window(self.period.end)
        rows = (
            Event.objects.unscoped()
            .filter(reported_at__gte=start, reported_at__lt=end)
            .exclude(status__in=VOID_STATUSES)
            .order_by()
            .values("owner__code", "category__code")
            .annotate(n=Count("pk"), closed=Count("pk", filter=Q(status__in=CLOSED_STATUSES)))
        )
        by_code: dict[str, Counter[str]] = defaultdict(Counter)
        for r in rows:
            klass = r["category__code"][:2]
            by_code[r["owner__code"]].update({klass: r["n"], f"{klass}:closed": r["closed"]})
        return self.roll_up(by_code)

    @cached_property
    def homes(self) -> dict[int, Counter[str]]:
        rows = (
            Home.objects.unscoped()
            .order_by()
            .values("grid__code")
            .annotate(n=Count("pk"), rented=Count("pk", filter=Q(tenure=Tenure.RENTED)))
        )
        return self.roll_up(
            {r["grid__code"]: Counter(homes=r["n"], rented=r["rented"]) for r in rows}
        )

    @cached_property
    def population(self) -> dict[int, int]:
        """A node's own population where it has one; otherwise the sum of its grids'."""
        grids = {n.code: Counter(p=n.population or 0) for n in self.nodes if n.level == Level.GRID}
        summed = self.roll_up(grids)
        return {
            n.id: n.population if n.population is not None else summed[n.id]["p"]
            for n in self.nodes
        }


Compute = Callable[[Month], dict[int, float | None]]


@dataclass(frozen=True)
class Measure:
    code: str
    label: str | Promise
    unit: str | Promise
    higher_is_better: bool
    # None for a measure written by someone else (an index, a department figure).
    compute: Compute | None = field(default=None, compare=False)
    decimals: int = 1
    # Whether `compute` reads daily tables only (or nothing dated), so that a daily index
    # can compute it over a rolling window; the others are read per month.
    daily: bool = False


_MEASURES: dict[str, Measure] = {}


def register_measure(measure: Measure) -> None:
    """Called at import time by the domain that owns the figure."""
    _MEASURES[measure.code] = measure


def registered_measures() -> list[Measure]:
    return list(_MEASURES.values())


def _ratio(numerator: float, denominator: float, scale: float = 100.0) -> float | None:
    return None if denominator == 0 else numerator / denominator * scale


def _per_thousand(month: Month, counts: Callable[[int], float]) -> dict[int, float | None]:
    return {n.id: _ratio(counts(n.id), month.population[n.id], 1000.0) for n in month.nodes}


def _indicator(numerator: Callable[[Counter[str]], int], denominator: str) -> Compute:
    def compute(month: Month) -> dict[int, float | None]:
        sums = month.indicator_sums
        return {
            n.id: _ratio(
                numerator(sums.get(n.id, Counter())), sums.get(n.id, Counter())[denominator]
            )
            for n in month.nodes
        }

    return compute


def _classes_per_thousand(*classes: str) -> Compute:
    def compute(month: Month) -> dict[int, float | None]:
        groups = month.event_classes
        return _per_thousand(month, lambda i: sum(groups.get(i, Counter())[c] for c in classes))

    return compute


def _classes_closure(*classes: str) -> Compute:
    def compute(month: Month) -> dict[int, float | None]:
        out: dict[int, float | None] = {}
        for n in month.nodes:
            g = month.event_classes.get(n.id, Counter())
            out[n.id] = _ratio(sum(g[f"{c}:closed"] for c in classes), sum(g[c] for c in classes))
        return out

    return compute


def _events_per_thousand(month: Month) -> dict[int, float | None]:
    sums = month.indicator_sums
    return _per_thousand(month, lambda i: sums.get(i, Counter())["reported"])


def _population(month: Month) -> dict[int, float | None]:
    return {n.id: float(month.population[n.id]) or None for n in month.nodes}


def _homes(key: str) -> Compute:
    def compute(month: Month) -> dict[int, float | None]:
        return {n.id: float(month.homes.get(n.id, Counter())[key]) for n in month.nodes}

    return compute


def _staffing(month: Month) -> dict[int, float | None]:
    """Staff ÷ recommended grid workers × 100 (assessment.staffing), summed up the tree:
    under 100 is under-staffed."""
    grids = [n.id for n in month.nodes if n.level == Level.GRID]
    by_code = {n.id: n.code for n in month.nodes}
    rows = staffing_rows(grids, month.period.last)
    summed = month.roll_up(
        {by_code[r.grid_id]: Counter(staff=r.staff, need=r.recommended) for r in rows}
    )
    return {i: _ratio(c["staff"], c["need"]) for i, c in summed.items()}


def _satisfaction(month: Month) -> dict[int, float | None]:
    sums = month.indicator_sums
    return {
        n.id: _ratio(
            sums.get(n.id, Counter())["rating_sum"], sums.get(n.id, Counter())["rating_count"], 1.0
        )
        for n in month.nodes
    }


# Category classes of the shipped catalogue (events/data/catalogue.json).
ENVIRONMENT_CLASSES = ("01", "07")  # 市容环境, 环境与噪声
SAFETY_CLASSES = ("04", "05", "10")  # 消防与用电安全, 燃气安全, 突发事件
DISPUTE_CLASSES = ("08",)  # 邻里纠纷

for _measure in (
    Measure("events_per_1000", _("events per 1,000 residents"), _("per 1,000"), False,
            _events_per_thousand, 2, daily=True),
    Measure("closure_rate", _("closure rate"), "%", True,
            _indicator(lambda s: s["reported_closed"], "reported"), daily=True),
    Measure("overdue_share", _("overdue share of closed events"), "%", False,
            _indicator(lambda s: s["closed"] - s["closed_on_time"], "closed"), daily=True),
    Measure("on_time_handling", _("timely handling"), "%", True,
            _indicator(lambda s: s["handled_on_time"], "handled"), daily=True),
    Measure("satisfaction", _("satisfaction"), _("of 5"), True, _satisfaction, 2, daily=True),
    Measure("population", _("population"), _("people"), True, _population, 0, daily=True),
    Measure("homes", _("homes"), _("homes"), True, _homes("homes"), 0, daily=True),
    Measure("rentals", _("rented homes"), _("homes"), False, _homes("rented"), 0, daily=True),
    Measure("environment_events_per_1000", _("city appearance and environment events per 1,000"),
            _("per 1,000"), False, _classes_per_thousand(*ENVIRONMENT_CLASSES), 2),
    Measure("environment_closure_rate", _("closure rate of environment events"), "%", True,
            _classes_closure(*ENVIRONMENT_CLASSES)),
    Measure("safety_events_per_1000", _("fire, gas and emergency events per 1,000"),
            _("per 1,000"), False, _classes_per_thousand(*SAFETY_CLASSES), 2),
    Measure("staffing_ratio", _("staff against workload-based need"), "%", True, _staffing),
    Measure("disputes_per_1000", _("disputes per 1,000"), _("per 1,000"), False,
            _classes_per_thousand(*DISPUTE_CLASSES), 2),
):  # fmt: skip
    register_measure(_measure)
