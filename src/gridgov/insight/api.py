"""Insight (分析研判): the panorama's figures, indices and their history, prompt notices and
departments' monthly figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from gridgov.accounts.requests import request_user
from gridgov.insight import actions, selectors
from gridgov.insight.indices import ComponentSpec
from gridgov.insight.models import (
    Direction,
    Index,
    IndexComponent,
    IndexValue,
    Normalisation,
    PromptNotice,
)
from gridgov.insight.present import tone_of
from gridgov.jurisdiction.selectors import node_get

router = Router(tags=["insight"])


class MeasureOut(Schema):
    code: str
    label: str
    unit: str
    higher_is_better: bool
    decimals: int

    @staticmethod
    def resolve_label(obj: selectors.MeasureInfo) -> str:
        return str(obj.label)

    @staticmethod
    def resolve_unit(obj: selectors.MeasureInfo) -> str:
        return str(obj.unit)


class AreaOut(Schema):
    code: str
    name: str
    level: int
    value: float | None
    tone: int | None = Field(description="0 best … 4 worst; null with no value.")


class TrendOut(Schema):
    month: date
    value: float | None


class PanoramaOut(Schema):
    code: str
    name: str
    measure: MeasureOut
    month: date
    own: float | None
    breaks: list[float]
    areas: list[AreaOut]
    trend: list[TrendOut]


class PanoramaQuery(Schema):
    code: str
    measure: str = "events_per_1000"
    month: date


@router.get("/measures", response=list[MeasureOut])
def measures(request: HttpRequest) -> list[selectors.MeasureInfo]:
    request_user(request)
    return selectors.measure_infos()


def panorama_data(view: selectors.Panorama) -> dict[str, Any]:
    return {
        "code": view.node.code,
        "name": view.node.name,
        "measure": view.measure,
        "month": view.month,
        "own": view.own,
        "breaks": view.breaks,
        "areas": [
            {**a.__dict__, "tone": tone_of(a.klass, view.breaks, view.measure.higher_is_better)}
            for a in view.areas
        ],
        "trend": [{"month": m, "value": v} for m, v in view.trend],
    }


@router.get("/panorama", response=PanoramaOut, url_name="insight_panorama")
def panorama(request: HttpRequest, query: Query[PanoramaQuery]) -> dict[str, Any]:
    """The node's children coloured by the measure for the month, from stored figures."""
    user = request_user(request)
    node = node_get(user, query.code)
    return panorama_data(selectors.panorama(user, node, query.measure, query.month))


class ComponentOut(Schema):
    measure: str
    direction: str
    weight: float
    normalisation: str
    low: float | None
    high: float | None


class IndexOut(Schema):
    code: str
    name: str
    description: str
    levels: list[int]
    threshold_sd: float
    threshold_pct: float
    threshold_floor: float
    min_history: int
    reply_hours: int
    components: list[ComponentOut]

    @staticmethod
    def resolve_components(obj: Index) -> list[IndexComponent]:
        return list(obj.components.all())


@router.get("/indices", response=list[IndexOut])
def indices(request: HttpRequest) -> list[Index]:
    """The indices as defined: components, weights, normalisation and the notice rule."""
    request_user(request)
    return list(selectors.indices_active())


class IndexValueOut(Schema):
    month: date
    value: float | None
    components: dict[str, Any]


@router.get("/indices/{code}/values", response=list[IndexValueOut])
def index_values(request: HttpRequest, code: str, node: str) -> list[IndexValue]:
    return list(selectors.index_values(request_user(request), code, node))


class IndexDayOut(Schema):
    day: date
    value: float


@router.get("/indices/{code}/days", response=list[IndexDayOut])
def index_days(
    request: HttpRequest, code: str, node: str, until: date | None = None
) -> list[dict[str, Any]]:
    """An area's daily index (the thirty days ending each day) for the 60 days to `until`."""
    user = request_user(request)
    area = node_get(user, node)
    last = until or timezone.localdate()
    return [{"day": d, "value": v} for d, v in selectors.index_days(user, code, area, last)]


class ComponentIn(Schema):
    measure: str
    direction: Direction
    weight: float
    normalisation: Normalisation
    low: float | None = None
    high: float | None = None


class IndexIn(Schema):
    name: str
    levels: list[int]
    components: list[ComponentIn] = Field(description="Weights add up to exactly 100.")
    description: str = ""
    threshold_sd: float | None = None
    threshold_pct: float | None = None
    threshold_floor: float | None = None


@router.put("/indices/{code}", response=IndexOut)
def index_define(request: HttpRequest, code: str, payload: IndexIn) -> Index:
    """Define or replace an index (the city's command centre); nothing is written when any
    component is wrong (422 with every problem)."""
    rule = {k: v for k, v in payload.dict().items() if k.startswith("threshold_") and v is not None}
    return actions.index_define(
        actor=request_user(request),
        code=code,
        name=payload.name,
        levels=payload.levels,
        components=[ComponentSpec(**c.dict()) for c in payload.components],
        description=payload.description,
        **rule,
    )


class PeopleOut(Schema):
    points: list[tuple[float, float, int]] = Field(description="[lat, lon, people] per grid.")


@router.get("/people", response=PeopleOut)
def people(request: HttpRequest, node: str) -> dict[str, Any]:
    """The registry's residents per grid under a node, as the hourly job counted them."""
    return {"points": selectors.people_points(request_user(request), node)}


class NoticeOut(Schema):
    id: int
    index: str
    area: str
    area_name: str
    month: date
    status: str
    value: float
    baseline: float
    reason: str
    explanation: list[dict[str, Any]]
    measures_taken: str
    reply_due_at: datetime | None
    overdue_at: datetime | None

    @staticmethod
    def resolve_index(obj: PromptNotice) -> str:
        return obj.index.code

    @staticmethod
    def resolve_area(obj: PromptNotice) -> str:
        return obj.node.code

    @staticmethod
    def resolve_area_name(obj: PromptNotice) -> str:
        return obj.node.name


@router.get("/notices", response=list[NoticeOut])
def notices(request: HttpRequest) -> list[PromptNotice]:
    user = request_user(request)
    return list(selectors.notices_visible(user).select_related("node", "index")[:200])


@router.get("/notices/{notice_id}", response=NoticeOut)
def notice(request: HttpRequest, notice_id: int) -> PromptNotice:
    return selectors.notice_get(request_user(request), notice_id)


class StepIn(Schema):
    note: str = ""
    measures: str = ""


@router.post("/notices/{notice_id}/{command}", response=NoticeOut)
def notice_step(request: HttpRequest, notice_id: int, command: str, payload: StepIn) -> Any:
    user = request_user(request)
    actions.notice_step(
        actor=user,
        notice_id=notice_id,
        command=command,
        note=payload.note,
        measures=payload.measures,
    )
    return selectors.notice_get(user, notice_id)


class FigureIn(Schema):
    kind: str
    area: str
    month: date
    value: float
    confirm: bool = False


class FigureOut(Schema):
    kind: str
    area: str
    month: date
    value: float
    confirmed_out_of_range: bool


@router.put("/figures", response=FigureOut)
def figure_enter(request: HttpRequest, payload: FigureIn) -> dict[str, Any]:
    """A department's monthly figure for an area; outside its plausible range, 422 with
    needs_confirmation until sent again with confirm: true."""
    row = actions.figure_enter(
        actor=request_user(request),
        kind_code=payload.kind,
        node_code=payload.area,
        month=payload.month,
        value=payload.value,
        confirm=payload.confirm,
    )
    return {
        "kind": payload.kind,
        "area": payload.area,
        "month": row.month,
        "value": row.value,
        "confirmed_out_of_range": row.confirmed_out_of_range,
    }
