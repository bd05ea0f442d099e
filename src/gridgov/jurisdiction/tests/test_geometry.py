import math

import pytest
import shapely

from gridgov.core.errors import InvalidInput
from gridgov.jurisdiction.geometry import geometry_from_geojson, geometry_problems

SQUARE = [[118.1, 31.1], [118.2, 31.1], [118.2, 31.2], [118.1, 31.2], [118.1, 31.1]]


def codes(data: object) -> list[str]:
    return [p.code for p in geometry_problems(data, index=3, item="320104")[1]]


def test_valid_polygon_and_multipolygon():
    geom = geometry_from_geojson({"type": "Polygon", "coordinates": [SQUARE]})
    assert math.isclose(geom.area, 0.01)
    multi = geometry_from_geojson({"type": "MultiPolygon", "coordinates": [[SQUARE]]})
    assert isinstance(multi, shapely.MultiPolygon)


def test_unclosed_ring_is_refused_though_shapely_would_close_it():
    geom, problems = geometry_problems(
        {"type": "Polygon", "coordinates": [SQUARE[:-1]]}, index=3, item="320104"
    )
    assert geom is None
    [problem] = problems
    assert problem.code == "unclosed_ring"
    assert problem.field == "geometry.coordinates[0]"
    assert (problem.index, problem.item) == (3, "320104")


def test_too_few_positions():
    assert codes({"type": "Polygon", "coordinates": [[SQUARE[0], SQUARE[1], SQUARE[0]]]}) == [
        "too_few_positions"
    ]


@pytest.mark.parametrize(
    ("position", "code"),
    [
        ([31.1, 118.1], "out_of_range"),  # swapped
        ([200.0, 31.1], "out_of_range"),
        ([2.35, 48.85], "out_of_range"),  # Paris
        (["118.1", 31.1], "invalid_coordinates"),
        ([True, 31.1], "invalid_coordinates"),
        ([float("nan"), 31.1], "invalid_coordinates"),
        ([118.1], "invalid_coordinates"),
    ],
)
def test_bad_positions_are_named(position, code):
    ring = [SQUARE[0], position, SQUARE[2], SQUARE[3], SQUARE[0]]
    _, problems = geometry_problems({"type": "Polygon", "coordinates": [ring]})
    assert [(p.code, p.field) for p in problems] == [(code, "geometry.coordinates[0][1]")]


def test_every_bad_position_is_reported():
    ring = [SQUARE[0], [0, 0], [1, 1], SQUARE[3], SQUARE[0]]
    assert codes({"type": "Polygon", "coordinates": [ring]}) == ["out_of_range", "out_of_range"]


def test_self_intersecting_polygon_gives_shapely_reason():
    bowtie = [[118.1, 31.1], [118.2, 31.2], [118.2, 31.1], [118.1, 31.2], [118.1, 31.1]]
    _, [problem] = geometry_problems({"type": "Polygon", "coordinates": [bowtie]})
    assert problem.code == "invalid_polygon"
    assert "Self-intersection" in str(problem.message)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"type": "Point", "coordinates": [118.1, 31.1]}, "unsupported_geometry_type"),
        ({"type": "Polygon"}, "malformed_geometry"),
        ("POLYGON", "malformed_geometry"),
        ({"type": "Polygon", "coordinates": []}, "invalid_coordinates"),
        ({"type": "MultiPolygon", "coordinates": [[SQUARE[:-1]]]}, "unclosed_ring"),
        ({"type": "Polygon", "coordinates": [[SQUARE[0]] * 4]}, "invalid_polygon"),
    ],
)
def test_malformed_geometries(data, code):
    assert codes(data) == [code]


def test_from_geojson_raises_with_every_problem():
    with pytest.raises(InvalidInput) as exc:
        geometry_from_geojson({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, item="x")
    assert [p.code for p in exc.value.problems] == ["unclosed_ring"]
