"""Assessment (监督考核): scorecards and rankings from the daily counts, and the centre's score."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gridgov.accounts.requests import request_user
from gridgov.assessment import actions, selectors
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
