"""The arithmetic of an index and of a sharp move, free of the database so that it is tested
against hand-worked figures and with generated series.

An index is Σ weight × score ÷ Σ weight over the components that have a value, each score
on 0–100 where 100 is best; docs/indicators.md works an example through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import fmean, pstdev

from django.utils.translation import gettext as _

from gridgov.core.errors import ProblemList
from gridgov.insight.models import Direction, Normalisation

WEIGHT_TOTAL = Decimal(100)


@dataclass(frozen=True)
class ComponentSpec:
    measure: str
    direction: str
    weight: float
    normalisation: str
    low: float | None = None
    high: float | None = None


def check_components(components: Sequence[ComponentSpec], known: set[str]) -> None:
    """Weights sum to exactly 100, every measure exists, a fixed range is a range."""
    problems = ProblemList()
    if not components:
        problems.add("no_components", _("An index needs at least one component."))
    total = sum((Decimal(str(c.weight)) for c in components), Decimal(0))
    if components and total != WEIGHT_TOTAL:
        problems.add(
            "weights_sum",
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": total},
            field="weight",
        )
    for c in components:
        if c.measure not in known:
            problems.add("unknown_measure", _("No such measure."), field="measure", item=c.measure)
        if c.weight <= 0:
            problems.add("bad_weight", _("A weight is above 0."), field="weight", item=c.measure)
        if c.normalisation == Normalisation.RANGE and (
            c.low is None or c.high is None or c.low >= c.high
        ):
            problems.add(
                "bad_range",
                _("A fixed range needs a low end below its high end."),
                field="low",
                item=c.measure,
            )
    problems.raise_if_any(_("The index is not valid."))


def score(raw: float | None, spec: ComponentSpec, peers: Sequence[float]) -> float | None:
    """The raw value on 0–100, 100 best: its place between the range's ends (fixed, or the
    lowest and highest of the areas of its level that month), turned round when lower is
    better. Peers all equal score 100: nobody is behind."""
    if raw is None:
        return None
    if spec.normalisation == Normalisation.RANGE:
        low, high = float(spec.low or 0.0), float(spec.high or 0.0)
    else:
        low, high = min(peers), max(peers)
    if high == low:
        return 100.0
    share = min(max((raw - low) / (high - low), 0.0), 1.0)
    if spec.direction == Direction.LOWER_BETTER:
        share = 1.0 - share
    return share * 100.0


def combine(parts: Sequence[tuple[float, float | None]]) -> float | None:
    """Weighted mean of the (weight, score) pairs that have a score; None when none has."""
    present = [(w, s) for w, s in parts if s is not None]
    total = sum(w for w, _ in present)
    if not present or total == 0:
        return None
    return sum(w * s for w, s in present) / total


@dataclass(frozen=True)
class Rule:
    sd: float
    pct: float
    floor: float
    min_history: int


@dataclass(frozen=True)
class Move:
    kind: str  # "sd" or "pct"
    baseline: float
    change: float


def sharp_move(
    history: Sequence[float], current: float, rule: Rule, *, month_on_month: bool = True
) -> Move | None:
    """Whether `current` leaves the area's own history sharply.

    Once there are rule.min_history months: away from the history's mean by more than rule.sd
    standard deviations, or (month_on_month) from the previous month by more than rule.pct %;
    and in both cases by at least rule.floor points, so that a flat history cannot make noise
    an alarm."""
    if len(history) < max(rule.min_history, 1):
        return None
    mean, spread = fmean(history), pstdev(history)
    away = current - mean
    if abs(away) >= rule.floor and abs(away) > rule.sd * spread:
        return Move("sd", mean, away)
    previous = history[-1]
    change = current - previous
    if (
        month_on_month
        and previous != 0
        and abs(change) >= rule.floor
        and abs(change) / abs(previous) * 100 > rule.pct
    ):
        return Move("pct", previous, change)
    return None
