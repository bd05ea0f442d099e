from __future__ import annotations

import io
import json

import pytest
import shapely
from django.core.management import CommandError, call_command

from gridgov.addresses.models import Address
from gridgov.jurisdiction import actions as jurisdiction_actions
from gridgov.jurisdiction.models import LayerKind
from gridgov.testing.tree import Tree


def test_generate_uses_compound_polygons_and_refuses_twice(tree: Tree) -> None:
    jurisdiction_actions.layer_unit_upsert(
        actor=None,
        layer_kind=LayerKind.COMPOUND,
        code="RC1",
        name="月牙新寓",
        boundary=json.loads(shapely.to_geojson(shapely.box(118.05, 31.6, 118.1, 31.7))),
    )
    out = io.StringIO()
    call_command("addresses_generate", "--scale", "small", "--seed", "2", stdout=out)
    assert str(Address.objects.count()) in out.getvalue()
    gate = Address.objects.filter(level=1, compound="月牙新寓").get()
    assert gate.compound_unit is not None
    assert gate.grid_code == "320104001001001"
    with pytest.raises(CommandError):
        call_command("addresses_generate", stdout=io.StringIO())
