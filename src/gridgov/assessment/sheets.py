"""Assessment sheets (考核表) for a month or quarter, their ranking, and grid workers'
scorecards.

A sheet line scores an indicator on 0–100 (a rate as a percentage, turned round where lower
is better; a 1–5 score as (v − 1) ÷ 4 × 100) or takes the community's democratic appraisal
as entered; the total is Σ weight × score ÷ Σ weight over the lines that have a score. The
weights are SheetItem rows (data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.accounts.selectors import users_visible
from gridgov.assessment.indicators import Indicator
from gridgov.assessment.models import APPRAISAL, AppraisalScore, SheetItem, UnitKind
from gridgov.assessment.selectors import Period, period_of, ranking, scorecard
from gridgov.assessment.sources import ScorecardSource, scorecard_sources, window_of
from gridgov.core.scope import Scope
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import node_get

APPRAISAL_LABEL = gettext_lazy("democratic appraisal")


def indicator_score(indicator: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    if indicator.is_rate:
        share = value
    else:
        share = (value - 1) / 4
    share = min(max(share, 0.0), 1.0)
    return (share if indicator.higher_is_better else 1 - share) * 100


@dataclass(frozen=True)
class SheetLine:
    code: str
    label: str | Promise
    value: float | None
    score: float | None
    weight: float


@dataclass(frozen=True)
class Sheet:
    unit_kind: str
    unit: object
    period: Period
    lines: list[SheetLine]
    total: float | None


def _total(lines: list[SheetLine]) -> float | None:
    present = [(ln.weight, ln.score) for ln in lines if ln.score is not None]
    weight = sum(w for w, _ in present)
    return None if not weight else sum(w * s for w, s in present if s is not None) / weight


def _appraisals(nodes: list[int], period: Period) -> dict[int, float]:
    rows = AppraisalScore.objects.unscoped().filter(
        node__in=nodes, period=period.kind, start=period.start
    )
    return {pk: float(score) for pk, score in rows.values_list("node_id", "score")}


def sheet(user: User, *, unit_kind: str, code: str, period: str, start: date) -> Sheet:
    card = scorecard(user, unit_kind=unit_kind, code=code, period=period, start=start)
    values = {v.indicator.code: v for v in card.values}
    appraisal = _appraisals([card.unit.pk], card.period) if unit_kind == UnitKind.NODE else {}
    lines = []
    for item in SheetItem.objects.filter(unit_kind=unit_kind):
        weight = float(item.weight)
        if item.code == APPRAISAL:
            got = appraisal.get(card.unit.pk)
            lines.append(SheetLine(APPRAISAL, APPRAISAL_LABEL, got, got, weight))
        elif item.code in values:
            v = values[item.code]
            score = indicator_score(v.indicator, v.value)
            lines.append(SheetLine(item.code, v.indicator.label, v.value, score, weight))
    return Sheet(unit_kind, card.unit, card.period, lines, _total(lines))


@dataclass(frozen=True)
class SheetRank:
    rank: int | None
    unit: object
    total: float | None


def sheet_ranking(
    user: User, *, unit_kind: str, period: str, start: date, level: int | None, within: str
) -> list[SheetRank]:
    """Every unit's sheet total, best first, with equal totals sharing a rank."""
    units = ranking(
        user,
        unit_kind=unit_kind,
        indicator="closure_rate",
        period=period,
        start=start,
        level=level,
        within=within,
    ).rows
    sheets = [
        sheet(user, unit_kind=unit_kind, code=r.unit.code, period=period, start=start)  # type: ignore[attr-defined]
        for r in units
    ]
    valued = sorted((s for s in sheets if s.total is not None), key=lambda s: -(s.total or 0))
    rows = [
        SheetRank(1 + sum(1 for o in valued if (o.total or 0) > (s.total or 0)), s.unit, s.total)
        for s in valued
    ]
    return rows + [SheetRank(None, s.unit, None) for s in sheets if s.total is None]


@dataclass(frozen=True)
class WorkerCard:
    worker: User
    values: dict[str, float | None]


def worker_cards(
    user: User, *, period: str, start: date, within: str = ""
) -> tuple[Period, list[ScorecardSource], list[WorkerCard]]:
    """Every grid worker the caller sees (inside `within`), each source computed once for
    all of them."""
    window = period_of(period, start)
    workers = users_visible(user).filter(role=Role.GRID_WORKER, is_active=True)
    if within:
        inside: Node = node_get(user, within)
        workers = workers.filter(pk__in=User.objects.visible_to(Scope.under(inside)).values("pk"))
    chosen = list(workers.order_by("node__code", "username"))
    ids = [w.pk for w in chosen]
    sources = scorecard_sources()
    span = window_of(window.start, window.end)
    computed = {s.code: s.compute(ids, span) for s in sources}
    cards = [WorkerCard(w, {s.code: computed[s.code].get(w.pk) for s in sources}) for w in chosen]
    return window, sources, cards
