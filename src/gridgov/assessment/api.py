"""Assessment (监督考核): scorecards and rankings from the daily counts, and the centre's score."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gridgov.accounts.requests import request_user
from gridgov.assessment import actions, selectors, sheets
from gridgov.assessment.models import HandlingScore

if TYPE_CHECKING:
    pass

router = Router(tags=["assessment"])


class PeriodOut(Schema):
    kind: str
    start: date
    last: date


class UnitOut(Schema):
    code: str
    name: str


class ValueOut(Schema):
    indicator: str
    label: str
    formula: str
    value: float | None = Field(
        description="numerator ÷ denominator; null when the denominator is 0 (nothing to measure)."
    )
    numerator: int
    denominator: int
    is_rate: bool

    @staticmethod
    def resolve_indicator(obj: selectors.Value) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_label(obj: selectors.Value) -> str:
        return str(obj.indicator.label)

    @staticmethod
    def resolve_formula(obj: selectors.Value) -> str:
        return str(obj.indicator.formula)

    @staticmethod
    def resolve_is_rate(obj: selectors.Value) -> bool:
        return obj.indicator.is_rate


class ScorecardOut(Schema):
    unit_kind: str
    unit: UnitOut
    period: PeriodOut
    indicators: list[ValueOut] = Field(alias="values")


class RankRowOut(Schema):
    rank: int | None = Field(description="1 is best; null for units with no value.")
    unit: UnitOut
    value: ValueOut


class RankingOut(Schema):
    unit_kind: str
    indicator: str
    period: PeriodOut
    rows: list[RankRowOut]

    @staticmethod
    def resolve_indicator(obj: selectors.Ranking) -> str:
        return obj.indicator.code


class ScorecardQuery(Schema):
    unit: str = Field("node", description="node or department")
    code: str = Field(description="The node's or the department's code.")
    period: str = Field("month", description="day, month or quarter")
    start: date = Field(description="The period's first day.")


class RankingQuery(Schema):
    unit: str = Field("node", description="node or department")
    level: int | None = Field(None, description="For nodes: 2 district … 5 grid.")
    within: str = Field("", description="Only units inside this node.")
    indicator: str
    period: str = "month"
    start: date


class HandlingScoreIn(Schema):
    score: int = Field(description="1 to 5")
    comment: str = ""


class HandlingScoreOut(Schema):
    event: str
    score: int
    comment: str
    by: str
    at: datetime

    @staticmethod
    def resolve_event(obj: HandlingScore) -> str:
        return obj.event.number

    @staticmethod
    def resolve_by(obj: HandlingScore) -> str:
        return str(obj.by)


@router.get("/scorecards", response=ScorecardOut)
def scorecard(request: HttpRequest, query: Query[ScorecardQuery]) -> Any:
    return selectors.scorecard(
        request_user(request),
        unit_kind=query.unit,
        code=query.code,
        period=query.period,
        start=query.start,
    )


@router.get("/rankings", response=RankingOut)
def ranking(request: HttpRequest, query: Query[RankingQuery]) -> Any:
    return selectors.ranking(
        request_user(request),
        unit_kind=query.unit,
        indicator=query.indicator,
        period=query.period,
        start=query.start,
        level=query.level,
        within=query.within,
    )


@router.post("/events/{number}/handling-score", response={201: HandlingScoreOut})
def handling_score(request: HttpRequest, number: str, payload: HandlingScoreIn) -> Any:
    row = actions.handling_score(
        actor=request_user(request),
        event_number=number,
        score=payload.score,
        comment=payload.comment,
    )
    return Status(201, row)


class SheetLineOut(Schema):
    code: str
    label: str
    value: float | None
    score: float | None = Field(description="0–100, 100 best; null with nothing to measure.")
    weight: float

    @staticmethod
    def resolve_label(obj: sheets.SheetLine) -> str:
        return str(obj.label)


class SheetOut(Schema):
    unit_kind: str
    unit: UnitOut
    period: PeriodOut
    lines: list[SheetLineOut]
    total: float | None = Field(description="Σ weight × score ÷ Σ weight of lines with a score.")


@router.get("/sheets", response=SheetOut)
def sheet(request: HttpRequest, query: Query[ScorecardQuery]) -> Any:
    """A unit's monthly or quarterly assessment sheet."""
    return sheets.sheet(
        request_user(request),
        unit_kind=query.unit,
        code=query.code,
        period=query.period,
        start=query.start,
    )


class SheetRankOut(Schema):
    rank: int | None
    unit: UnitOut
    total: float | None


class SheetRankingQuery(Schema):
    unit: str = "node"
    level: int | None = None
    within: str = ""
    period: str = "month"
    start: date


@router.get("/sheet-rankings", response=list[SheetRankOut])
def sheet_ranking(request: HttpRequest, query: Query[SheetRankingQuery]) -> Any:
    return sheets.sheet_ranking(
        request_user(request),
        unit_kind=query.unit,
        period=query.period,
        start=query.start,
        level=query.level,
        within=query.within,
    )


class AppraisalIn(Schema):
    code: str = Field(description="The community's code.")
    period: str = Field("month", description="month or quarter")
    start: date
    score: Decimal = Field(description="0 to 100")


class AppraisalOut(Schema):
    period: str
    start: date
    score: Decimal


@router.put("/appraisals", response=AppraisalOut)
def appraisal(request: HttpRequest, payload: AppraisalIn) -> Any:
    """A community's democratic appraisal (民主测评) score, entered by its own staff."""
    return actions.appraisal_enter(
        actor=request_user(request),
        code=payload.code,
        period=payload.period,
        start=payload.start,
        score=payload.score,
    )


class SheetItemsIn(Schema):
    unit_kind: str
    weights: dict[str, Decimal] = Field(description="Item code → weight; they add up to 100.")


@router.put("/sheet-items", response={204: None})
def sheet_items(request: HttpRequest, payload: SheetItemsIn) -> Any:
    actions.sheet_items_set(
        actor=request_user(request), unit_kind=payload.unit_kind, weights=payload.weights
    )
    return Status(204, None)


class WorkerCardOut(Schema):
    worker: str
    name: str
    values: dict[str, float | None]


class WorkerCardsOut(Schema):
    period: PeriodOut
    sources: dict[str, str]
    workers: list[WorkerCardOut]


class WorkerQuery(Schema):
    period: str = "month"
    start: date
    within: str = ""


@router.get("/workers", response=WorkerCardsOut)
def workers(request: HttpRequest, query: Query[WorkerQuery]) -> dict[str, Any]:
    """Grid workers' scorecards, one figure per registered scorecard source."""
    window, sources, cards = sheets.worker_cards(
        request_user(request), period=query.period, start=query.start, within=query.within
    )
    return {
        "period": window,
        "sources": {s.code: str(s.label) for s in sources},
        "workers": [
            {"worker": c.worker.username, "name": c.worker.get_full_name() or c.worker.username,
             "values": c.values}
            for c in cards
        ],
    }  # fmt: skip


class StaffingOut(Schema):
    grid: str
    name: str
    loads: dict[str, float]
    recommended: int
    staff: int
    gap: int = Field(description="staff − recommended: negative is under-staffed.")


@router.get("/staffing", response=list[StaffingOut])
def staffing(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Every grid under the node: recommended grid workers from its workload, and its staff."""
    return [
        {"grid": grid.code, "name": grid.name, "loads": row.loads, "recommended": row.recommended,
         "staff": row.staff, "gap": row.gap}
        for grid, row in selectors.staffing_of(request_user(request), code)
    ]  # fmt: skip
