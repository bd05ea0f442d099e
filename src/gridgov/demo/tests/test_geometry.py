import numpy as np
import pytest
import shapely

from gridgov.demo.geometry import district_boundaries, inset, polygonal, sample_points, tile

# An L-shaped parent: concave, so clipped Voronoi cells can split in two.
L_SHAPE = shapely.Polygon([(118.0, 32.0), (118.2, 32.0), (118.2, 32.1), (118.1, 32.1),
                           (118.1, 32.2), (118.0, 32.2)])  # fmt: skip


def assert_tiles(
    parent: shapely.Geometry, cells: list[shapely.Geometry], tolerance: float = 1e-9
) -> None:
    union = shapely.union_all(cells)
    assert shapely.symmetric_difference(union, parent).area < tolerance * parent.area
    assert sum(c.area for c in cells) == pytest.approx(parent.area, rel=tolerance)


@pytest.mark.parametrize("n", [1, 2, 7, 30])
def test_tile_covers_the_parent_exactly_with_polygons(n):
    cells = tile(L_SHAPE, n, np.random.default_rng(3))
    assert len(cells) == n
    assert all(c.geom_type in ("Polygon", "MultiPolygon") and c.is_valid for c in cells)
    assert_tiles(L_SHAPE, cells)


def test_tile_is_deterministic_for_a_seed_and_differs_between_seeds():
    def wkbs(seed: int) -> list[bytes]:
        return [c.wkb for c in tile(L_SHAPE, 12, np.random.default_rng(seed))]

    assert wkbs(5) == wkbs(5)
    assert wkbs(5) != wkbs(6)


def test_lloyd_relaxation_evens_out_cell_sizes():
    def spread(lloyd: int) -> float:
        areas = [c.area for c in tile(L_SHAPE, 40, np.random.default_rng(9), lloyd=lloyd)]
        return float(np.std(areas) / np.mean(areas))

    assert spread(2) < spread(0)


def test_sample_points_fall_inside_the_parent():
    points = sample_points(L_SHAPE, 200, np.random.default_rng(1))
    assert points.shape == (200, 2)
    assert shapely.contains_xy(L_SHAPE, points[:, 0], points[:, 1]).all()


def test_inset_stays_inside_its_cell():
    cell = tile(L_SHAPE, 4, np.random.default_rng(2))[0]
    shrunk = inset(cell, 0.5)
    assert shrunk.area == pytest.approx(cell.area * 0.25, rel=0.3)
    assert shapely.difference(shrunk, cell).area < 1e-12


def test_polygonal_drops_lines_and_points():
    mixed = shapely.GeometryCollection([L_SHAPE, shapely.LineString([(0, 0), (1, 1)]),
                                        shapely.Point(5, 5)])  # fmt: skip
    assert polygonal(mixed).equals(L_SHAPE)
    assert polygonal(shapely.LineString([(0, 0), (1, 1)])).is_empty


def test_nanjing_has_its_eleven_real_districts():
    districts = district_boundaries()
    assert sorted(districts) == [
        "320102", "320104", "320105", "320106", "320111", "320113",
        "320114", "320115", "320116", "320117", "320118",
    ]  # fmt: skip
    qinhuai = districts["320104"]
    assert qinhuai.is_valid
    assert qinhuai.contains(shapely.Point(118.79, 32.02))  # 夫子庙
