"""API routes that bring several domains together; mounted beside the registry's own."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from ninja import Router, Schema

from gridgov.registry.api import NodeRef
from gridgov.registry.selectors import grid_get
from gridgov.web.selectors import BlockCard, grid_block_card

if TYPE_CHECKING:
    from gridgov.accounts.models import User
    from gridgov.verification.selectors import GridStats

router = Router(tags=["registry"])


class VerificationOut(Schema):
    total: int
    verified: int
    pending: int
    verified_share: float | None
    oldest_pending_days: float | None

    @staticmethod
    def resolve_total(obj: GridStats) -> int:
        return obj.records

    @staticmethod
    def resolve_oldest_pending_days(obj: GridStats) -> float | None:
        age = obj.oldest_pending_age
        return None if age is None else round(age.total_seconds() / 86400, 1)


class BlockCardOut(Schema):
    grid: NodeRef
    people: int
    people_by_kind: dict[str, int]
    homes: int
    rentals: int
    organisations: int
    small_venues: int
    compounds: int
    managed_compounds: int
    verification: VerificationOut


@router.get("/grids/{code}/card", response=BlockCardOut)
def grid_card(request: HttpRequest, code: str) -> BlockCard:
    user = cast("User", request.user)
    return grid_block_card(user, grid_get(user, code))
