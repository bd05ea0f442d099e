"""A subdistrict with people, homes and venues in its two grids and one in the sibling
subdistrict, and a census-like form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from stdnum.cn import ric

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.campaigns import actions
from gridgov.campaigns.models import Campaign
from gridgov.registry import actions as registry
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

GRIDS = ("320104001001001", "320104001001002")
SIBLING = "320104002001001"

FORM: dict[str, Any] = {
    "fields": [
        {"name": "at_home", "label": "是否在住", "type": "yes_no", "required": True},
        {
            "name": "count",
            "label": "常住人数",
            "type": "number",
            "min": 0,
            "max": 20,
            "required": True,
            "show_if": {"field": "at_home", "in": [True]},
        },
        {"name": "kind", "label": "类别", "type": "choice", "choices": ["自住", "出租"]},
        {"name": "note", "label": "备注", "type": "text"},
    ]
}


def phone_of(n: int) -> str:
    return f"1391234{n:04d}"


def _id(n: int) -> str:
    first17 = f"32010219900101{n:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


@pytest.fixture
def registry_rows(users: dict[str, User], tree: Tree) -> None:
    """Three floating people and two homes in each grid of the subdistrict, one registered
    person, one small venue, and one floating person in the sibling subdistrict."""
    actor = users["dispatcher"]
    n = 0
    for grid in GRIDS:
        for i in range(2):
            registry.home_upsert(actor=actor, address=f"{grid[-1]}号路{i}号", grid_code=grid)
        for _ in range(3):
            n += 1
            registry.person_upsert(
                actor=actor,
                id_number=_id(n),
                name=f"居民{n}",
                kind="floating",
                phone=phone_of(n),
                grid_code=grid,
            )
    registry.person_upsert(
        actor=actor, id_number=_id(90), name="户籍居民", kind="registered", grid_code=GRIDS[0]
    )
    registry.person_upsert(
        actor=users["sibling_dispatcher"],
        id_number=_id(91),
        name="邻街居民",
        kind="floating",
        phone=phone_of(91),
        grid_code=SIBLING,
    )


@pytest.fixture
def workers(tree: Tree) -> dict[str, User]:
    return {
        "second_worker": make_user("gw2", Role.GRID_WORKER, node=tree[GRIDS[1]]),
        "sibling_worker": make_user("gw3", Role.GRID_WORKER, node=tree[SIBLING]),
    }


@pytest.fixture
def define(users: dict[str, User], registry_rows: None) -> Any:
    def make(**overrides: Any) -> Campaign:
        args: dict[str, Any] = {
            "actor": users["dispatcher"],
            "title": "流动人口排查",
            "instructions": "逐人核实",
            "form": FORM,
            "target_kind": "people",
            "target_category": "floating",
            "areas": ["320104001"],
            "due_at": timezone.now() + timedelta(days=3),
        }
        args.update(overrides)
        campaign: Campaign = actions.campaign_define(**args)
        return campaign

    return make


@pytest.fixture
def running(
    define: Any, users: dict[str, User], django_capture_on_commit_callbacks: Any
) -> Campaign:
    """A campaign of the six floating people of the subdistrict, pushed (tasks run inline)."""
    campaign: Campaign = define()
    with django_capture_on_commit_callbacks(execute=True):
        actions.campaign_push(actor=users["dispatcher"], campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign
