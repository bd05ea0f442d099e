"""Homes and residents written straight to the registry's tables (the rules read them; the
registry's own actions are tested in its package), and the event loop's catalogue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from gridgov.registry.models import Home, Person, Tenancy
from gridgov.testing import loop
from gridgov.testing.tree import Tree

catalogue = loop.catalogue
GRID = "320104001001001"
_serial = count(1)

MakeHome = Callable[..., Home]


@pytest.fixture
def make_home(tree: Tree) -> MakeHome:
    """A home in the target grid with `people` registered residents and `tenants` tenancies
    started this year."""

    def make(area: str | None = "100", people: int = 0, tenants: int = 0, grid: str = GRID) -> Home:
        node = tree[grid]
        community = tree[grid[:12]]
        n = next(_serial)
        home = Home.objects.create(
            grid=node,
            community=community,
            address=f"测试路{n}号101室",
            address_code=f"A{n}",
            floor_area=Decimal(area) if area is not None else None,
        )
        for i in range(max(people, tenants)):
            person = Person.objects.create(
                grid=node,
                community=community,
                name=f"居民{n}-{i}",
                id_number_encrypted="x",
                id_number_index=f"idx-{n}-{i}",
                id_number_masked="3201**********0000",
                birth_date=date(1990, 1, 1),
                sex="M",
                kind="floating",
                home=home if i < people else None,
            )
            if i < tenants:
                Tenancy.objects.create(home=home, person=person, start=timezone.localdate())
        return home

    return make
