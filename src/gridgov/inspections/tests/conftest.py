"""Venues to inspect: the shipped kinds and checklists, the event catalogue (a serious hazard
becomes an event), a small shop and a rental home in the grid worker's grid."""

from __future__ import annotations

from typing import Any

import pytest
from stdnum.cn import uscc

from gridgov.accounts.models import User
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.inspections.actions import inspections_schedule, kinds_load, venue_flag
from gridgov.inspections.models import Inspection, Venue
from gridgov.registry import actions as registry
from gridgov.testing.catalogue import default_catalogue

GRID = "320104001001001"


@pytest.fixture
def kinds(db: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    catalogue_load(actor=None, data=default_catalogue())
    kinds_load(actor=None)


def make_shop(actor: User, name: str = "惠民小超市", seed: str = "1", grid: str = GRID) -> Venue:
    first17 = f"92320104MA1XY56{seed:>2}".replace(" ", "0")
    organisation = registry.organisation_upsert(
        actor=actor,
        credit_code=first17 + uscc.calc_check_digit(first17),
        name=name,
        kind="individual_business",
        grid_code=grid,
        address="目标路1号",
        small_venue=True,
    )
    return venue_flag(actor=actor, kind_code="small_shop", organisation_id=organisation.pk)


@pytest.fixture
def shop(kinds: None, users: dict[str, User]) -> Venue:
    return make_shop(users["community_staff"])


@pytest.fixture
def due(shop: Venue) -> Inspection:
    """The shop's inspection of this period, made by the schedule."""
    inspections_schedule()
    return Inspection.objects.unscoped().get(venue=shop)
