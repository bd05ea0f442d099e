from typing import Any

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gridgov.jurisdiction.actions import boundary_version_bump
from gridgov.jurisdiction.models import Layer, LayerKind, LayerUnit
from gridgov.jurisdiction.spatial import (
    PolygonSet,
    locate,
    locate_many,
    spatial_index,
)
from gridgov.testing.tree import box


def voronoi_cells(n: int, seed: int = 7) -> Any:
    rng = np.random.default_rng(seed)
    frame = shapely.box(118.0, 31.0, 119.0, 32.0)
    seeds = shapely.multipoints(shapely.points(rng.uniform(118, 119, n), rng.uniform(31, 32, n)))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    return shapely.intersection(cells, frame)


CELLS = voronoi_cells(300)
CELL_SET = PolygonSet.from_rows((i, str(i), shapely.to_wkb(g)) for i, g in enumerate(CELLS))

coordinate_arrays = st.integers(1, 200).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=st.floats(117.9, 119.1)),
        arrays(np.float64, n, elements=st.floats(30.9, 32.1)),
    )
)


@settings(max_examples=60, deadline=None)
@given(coordinate_arrays)
def test_assign_agrees_with_a_per_point_shapely_check(xy):
    lons, lats = xy
    got = CELL_SET.assign(lons, lats)
    for lon, lat, pos in zip(lons, lats, got, strict=True):
        holders = np.flatnonzero(shapely.intersects(CELLS, shapely.Point(lon, lat)))
        assert pos == (holders[0] if len(holders) else -1)


def test_assign_matches_bare_strtree_query():
    rng = np.random.default_rng(1)
    lons, lats = rng.uniform(117.95, 119.05, 20_000), rng.uniform(30.95, 32.05, 20_000)
    got = CELL_SET.assign(lons, lats)
    points, polys = shapely.STRtree(CELLS).query(shapely.points(lons, lats), predicate="intersects")
    first = np.full(len(lons), len(CELLS))
    np.minimum.at(first, points, polys)
    expected = np.where(first == len(CELLS), -1, first)
    assert (got == expected).all()
    assert (got == -1).sum() > 0


def test_point_on_a_shared_edge_goes_to_the_first_polygon():
    halves = PolygonSet.from_rows(
        [(10, "a", box(118.0, 31.0, 118.5, 32.0)), (11, "b", box(118.5, 31.0, 119.0, 32.0))]
    )
    assert halves.assign(np.array([118.5, 118.7]), np.array([31.5, 31.5])).tolist() == [0, 1]


def test_empty_set_and_no_points():
    empty = PolygonSet.from_rows([])
    assert empty.assign(np.array([118.1]), np.array([31.1])).tolist() == [-1]
    assert CELL_SET.assign(np.array([]), np.array([])).tolist() == []


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(coordinate_arrays)
def test_locate_many_on_the_tree(tree, xy):
    lons, lats = xy
    found = locate_many(lons, lats)
    codes = [found.grids.codes[p] if p >= 0 else None for p in found.positions]
    grids = [n for n in tree.nodes.values() if n.is_grid]
    for lon, lat, code, grid_id in zip(lons, lats, codes, found.grid_ids(), strict=True):
        holders = sorted(
            n.code for n in grids if shapely.intersects(n.geometry, shapely.Point(lon, lat))
        )
        assert code == (holders[0] if holders else None)
        assert grid_id == (tree[code].pk if code else -1)


def test_locate_gives_every_level_and_layer(tree):
    layer = Layer.objects.create(kind=LayerKind.POLICE_BEAT, name="警格")
    LayerUnit.objects.create(
        layer=layer,
        code="JG01",
        name="一号警格",
        node=tree["320104"],
        boundary=box(118.0, 31.0, 118.3, 32.0),
    )
    found = locate(118.1, 31.7)
    assert found.node_codes == ("3201", "320104", "320104001", "320104001001", "320104001001001")
    assert found.grid_code == found.node_code == "320104001001001"
    assert found.unit_codes == {"police_beat": "JG01"}
    assert locate(118.4, 31.7).unit_codes == {}
    outside = locate(120.0, 31.5)
    assert (outside.node_codes, outside.grid_code, outside.node_code) == ((), None, None)


def test_index_is_cached_until_the_boundary_version_moves(tree, django_assert_num_queries):
    first = spatial_index()
    with django_assert_num_queries(1):
        assert spatial_index() is first
    tree["320104001001001"].boundary = box(118.0, 31.5, 118.1, 32.0)
    tree["320104001001001"].save()
    boundary_version_bump()
    rebuilt = spatial_index()
    assert rebuilt is not first
    assert locate(118.2, 31.7).grid_code is None
