from __future__ import annotations

import pytest
import shapely

from gridgov.accounts.models import User
from gridgov.addresses.actions import (
    address_create,
    address_update,
    library_clear,
    library_generate,
    road_create,
)
from gridgov.addresses.matcher import matcher_index
from gridgov.addresses.models import Address, AddressLevel, Road
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.testing.tree import Tree


def test_generated_library_is_a_hierarchy_inside_its_grids(library: Tree) -> None:
    assert 500 < Address.objects.count() < 10_000
    for address in Address.objects.select_related("parent", "grid").order_by("?")[:200]:
        geometry = shapely.from_wkb(bytes(address.grid.boundary))
        assert shapely.contains_xy(geometry, address.lon, address.lat)
        assert address.community_id == address.grid.parent_id
        if address.level > AddressLevel.DOOR:
            assert address.parent is not None
            assert address.parent.level == address.level - 1
            assert address.code.startswith(address.parent.code + "-")
    assert AuditEntry.objects.filter(action="addresses.library_generate").count() == 1


def test_generate_refuses_a_second_library(library: Tree) -> None:
    with pytest.raises(Conflict):
        library_generate(actor=None, scale="small", seed=3)


def test_admin_adds_road_door_and_building(tree: Tree, users: dict[str, User]) -> None:
    admin = users["system_admin"]
    road = road_create(
        actor=admin, code="320104R90001", name="测试路", district_code="320104", aliases=["旧名街"]
    )
    door = address_create(
        actor=admin, road_code=road.code, door=8, lon=118.1, lat=31.9, compound="测试花园"
    )
    assert (door.code, door.grid_code) == ("320104R90001-8", "320104001001001")
    building = address_create(
        actor=admin, road_code=road.code, door=8, building=2, lon=118.1, lat=31.9
    )
    assert (building.code, building.compound, building.parent_id) == (
        "320104R90001-8-2",
        "测试花园",
        door.pk,
    )
    assert matcher_index().match("旧名街8号2栋").code == building.code
    with pytest.raises(Conflict):
        address_create(actor=admin, road_code=road.code, door=8, lon=118.1, lat=31.9)
    with pytest.raises(NotFound):
        address_create(actor=admin, road_code=road.code, door=9, building=1, lon=118.1, lat=31.9)


def test_update_moves_the_point_and_the_grid(tree: Tree, users: dict[str, User]) -> None:
    admin = users["system_admin"]
    road = road_create(actor=admin, code="320104R90002", name="移动路", district_code="320104")
    door = address_create(actor=admin, road_code=road.code, door=1, lon=118.1, lat=31.9)
    address_update(actor=admin, address=door, lon=118.4, lat=31.9, compound="新名苑")
    door.refresh_from_db()
    assert (door.grid_code, door.compound) == ("320104001001002", "新名苑")
    with pytest.raises(InvalidInput):
        address_update(actor=admin, address=door, lon=120.0, lat=31.9)


def test_only_boundary_managers_edit(tree: Tree, users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        road_create(actor=users["dispatcher"], code="X1", name="无权路", district_code="320104")
    assert not Road.objects.exists()


def test_clear_removes_the_library_so_the_tree_can_go(library: Tree) -> None:
    deleted = library_clear(actor=None, code="3201")
    assert deleted["addresses.Address"] > 500
    assert not Address.objects.exists()
    assert not Road.objects.exists()
    assert len(matcher_index()) == 0
    library["320104001001001"].delete()
