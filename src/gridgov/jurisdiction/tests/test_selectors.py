from typing import Any

import prcoords
import pytest

from gridgov.core.errors import InvalidInput, NotFound, Problem
from gridgov.jurisdiction import actions, selectors
from gridgov.jurisdiction.models import LayerKind

from .helpers import polygon, wkb


@pytest.fixture
def beat(tree: Any) -> Any:
    unit, _ = actions.layer_unit_upsert(
        actor=None,
        layer_kind=LayerKind.POLICE_BEAT,
        code="JG01",
        name="一号警格",
        boundary=polygon(118.0, 31.5, 118.1, 32.0),
    )
    return unit


def test_locate_point_names_grid_node_and_units(users, beat):
    found = selectors.locate_point(selectors.scope_root(users["dispatcher"]), 118.05, 31.7, "wgs84")
    assert found.grid is not None
    assert found.grid.code == found.node.code == "320104001001001"
    assert [u.code for u in found.units] == ["JG01"]


def test_locate_point_converts_gcj02(users):
    shifted = prcoords.wgs_gcj(prcoords.Coords(31.7, 118.49999))
    found = selectors.locate_point(
        selectors.scope_root(users["dispatcher"]), shifted.lon, shifted.lat, "gcj02"
    )
    assert found.grid is not None
    assert found.grid.code == "320104001001002"
    assert found.lon == pytest.approx(118.49999, abs=1e-6)


def test_locate_point_outside_the_city(users):
    with pytest.raises(InvalidInput) as exc:
        selectors.locate_point(selectors.scope_root(users["dispatcher"]), 120.0, 31.7, "wgs84")
    assert exc.value.code == "outside_city"


def test_locate_point_outside_the_users_scope(users):
    with pytest.raises(NotFound) as exc:
        selectors.locate_point(selectors.scope_root(users["dispatcher"]), 118.7, 31.7, "wgs84")
    assert exc.value.code == "outside_jurisdiction"


def test_locate_point_unknown_crs(users):
    with pytest.raises(InvalidInput) as exc:
        selectors.locate_point(selectors.scope_root(users["dispatcher"]), 118.1, 31.7, "utm")
    assert exc.value.code == "unknown_crs"


def test_locate_points_answers_each_point(users, beat):
    points: list[Any] = [
        [118.05, 31.7],
        [118.7, 31.7],
        [150.0, 10.0],
        ["x", 1],
        [118.3, 31.2],
        [1, 2, 3],
    ]
    answers = selectors.locate_points(selectors.scope_root(users["commander"]), points)
    first = answers[0]
    assert not isinstance(first, Problem)
    assert first.grid is not None
    assert first.grid.code == "320104001001001"
    codes = [a.code if isinstance(a, Problem) else "ok" for a in answers]
    assert codes == [
        "ok",
        "outside_jurisdiction",
        "outside_city",
        "invalid_coordinates",
        "ok",
        "invalid_coordinates",
    ]
    assert [a.index for a in answers if isinstance(a, Problem)] == [1, 2, 3, 5]


@pytest.mark.parametrize("count", [0, 10_001])
def test_locate_points_limits(users, count):
    with pytest.raises(InvalidInput):
        selectors.locate_points(selectors.scope_root(users["commander"]), [[118.1, 31.1]] * count)


def test_locate_point_in_a_gap_gives_the_deepest_node(users, tree):
    grid = tree["320104001001001"]
    grid.boundary = wkb(118.0, 31.5, 118.1, 32.0)
    grid.save()
    actions.boundary_version_bump()
    found = selectors.locate_point(selectors.scope_root(users["dispatcher"]), 118.2, 31.7)
    assert (found.grid, found.node.code) == (None, "320104001001")


def test_grid_overlaps_and_unit_get(users, tree, beat):
    grid = tree["320104001001001"]
    [overlap] = selectors.grid_overlaps(users["grid_worker"], grid)
    assert overlap.unit.layer.kind == LayerKind.POLICE_BEAT
    assert overlap.grid_share == pytest.approx(0.4)
    assert selectors.unit_get(users["grid_worker"], "police_beat", "JG01") == beat
    with pytest.raises(NotFound):
        selectors.grid_overlaps(users["sibling_dispatcher"], grid)
    with pytest.raises(NotFound):
        selectors.unit_get(users["sibling_dispatcher"], "police_beat", "JG01")


def test_node_tree_depth(users):
    top = selectors.node_tree(users["commander"], 2)
    assert top.node.code == "320104"
    assert [c.node.code for c in top.children] == ["320104001", "320104002"]
    assert [c.node.code for c in top.children[0].children] == ["320104001001"]
    assert top.children[0].children[0].children == []
    whole = selectors.node_tree(users["analyst"], 9)
    grids = [g for d in whole.children for s in d.children for c in s.children for g in c.children]
    assert len(grids) == 8


def test_tree_report_is_clean_for_a_tiling(tree):
    assert selectors.tree_report(tree["3201"]) == []


def test_tree_report_names_overlaps_and_gaps(tree):
    east = tree["320104001001002"]
    east.boundary = wkb(118.2, 31.5, 118.4, 32.0)
    east.save()
    issues = selectors.tree_report(tree["3201"])
    assert [(i.kind, i.codes) for i in issues] == [
        ("gap", ("320104001001",)),
        ("overlap", ("320104001001001", "320104001001002")),
    ]
    assert issues[0].share == pytest.approx(0.2)
    assert "320104001001" in issues[0].message
    assert "320104001001002" in issues[1].message


def test_a_stale_index_never_answers_with_a_missing_node(users, tree):
    assert selectors.locate_point(
        selectors.scope_root(users["dispatcher"]), 118.05, 31.7
    ).node.code.endswith("001")
    users["grid_worker"].delete()
    tree["320104001001001"].delete()  # no version bump: the index still has the grid
    [answer] = selectors.locate_points(selectors.scope_root(users["dispatcher"]), [[118.05, 31.7]])
    assert isinstance(answer, Problem)
    assert answer.code == "outside_city"
