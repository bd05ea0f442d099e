"""Address matching and the standard address library over JSON.

Matching answers for the caller's jurisdiction only: a candidate outside it
is never named, and an address outside it reads as not found.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from gridgov.accounts.requests import request_user
from gridgov.addresses import selectors
from gridgov.addresses.matcher import MAX_TEXT, Match
from gridgov.addresses.models import Address

router = Router(tags=["addresses"])

BATCH_MAX = 10_000


class MatchIn(Schema):
    text: str = Field(max_length=MAX_TEXT)


class BatchIn(Schema):
    texts: list[str] = Field(max_length=BATCH_MAX)


class CandidateOut(Schema):
    code: str
    label: str
    grid: str
    score: float


class ElementOut(Schema):
    element: str
    text: str


class MatchOut(Schema):
    """`status` is matched, ambiguous (ranked `candidates`), not_found or outside_city;
    `reason` says why not matched: unparsed, too_long, no_place, road_not_found,
    compound_not_found, door_not_found, no_door_number, part_not_found, ambiguous,
    low_confidence, unread_number (a second number for one element), outside_city,
    not_found (only candidates outside the caller's jurisdiction).
    `elements` are the parts of the address the parser recognised, in reading
    order; `ignored` the text it set aside (a phone, a landmark, a note)."""

    status: str
    code: str
    label: str
    grid: str
    confidence: float
    reason: str
    candidates: list[CandidateOut]
    elements: list[ElementOut]
    ignored: list[str]


class BatchOut(Schema):
    results: list[MatchOut]


class AddressOut(Schema):
    code: str
    level: int
    label: str
    road: str
    door: int
    compound: str
    building: int | None
    unit: int | None
    floor: int | None
    room: int | None
    lon: float
    lat: float
    grid: str
    parent: str | None

    @staticmethod
    def resolve_road(obj: Address) -> str:
        return obj.road.code

    @staticmethod
    def resolve_grid(obj: Address) -> str:
        return obj.grid_code

    @staticmethod
    def resolve_parent(obj: Address) -> str | None:
        return obj.code.rsplit("-", 1)[0] if obj.parent_id is not None else None


class SearchIn(Schema):
    road: str = ""
    q: str = ""


def _out(match: Match) -> MatchOut:
    return MatchOut(
        status=match.status,
        code=match.code,
        label=match.label,
        grid=match.grid,
        confidence=match.confidence,
        reason=match.reason,
        candidates=[
            CandidateOut(code=c.code, label=c.label, grid=c.grid, score=c.score)
            for c in match.candidates
        ],
        elements=[ElementOut(element=name, text=text) for name, text in match.elements],
        ignored=list(match.ignored),
    )


@router.post("/match", response=MatchOut)
def match(request: HttpRequest, body: MatchIn) -> MatchOut:
    return _out(selectors.address_match(request_user(request), body.text))


@router.post("/match/batch", response=BatchOut)
def match_batch(request: HttpRequest, body: BatchIn) -> BatchOut:
    return BatchOut(
        results=[_out(m) for m in selectors.address_match_many(request_user(request), body.texts)]
    )


@router.get("", response=list[AddressOut])
def address_list(request: HttpRequest, filters: Query[SearchIn]) -> list[Address]:
    return list(selectors.address_search(request_user(request), road=filters.road, q=filters.q))


@router.get("/{code}", response=AddressOut)
def address_detail(request: HttpRequest, code: str) -> Address:
    return selectors.address_get(request_user(request), code)
