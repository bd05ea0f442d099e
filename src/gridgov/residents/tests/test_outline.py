"""The outlines the residents' maps orient by: public, names and levels only, small, and
rebuilt when a boundary changes."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from django.test import Client

from gridgov.jurisdiction.actions import boundary_version_bump
from gridgov.testing.tree import Tree, box

pytestmark = pytest.mark.django_db


def outline(client: Client) -> dict[str, Any]:
    answer = client.get("/residents/outline.json")
    assert answer.status_code == 200
    return dict(answer.json())


def test_the_outline_names_districts_subdistricts_and_the_served_area(tree: Tree) -> None:
    answer = Client().get("/residents/outline.json")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    assert answer["Cache-Control"].startswith("public, max-age=")
    assert len(answer.content) < 2_000
    features = answer.json()["features"]
    assert [(f["properties"]["level"], f["properties"]["name"]) for f in features] == [
        ("district", "秦淮区"),
        ("district", "建邺区"),
        ("subdistrict", "秦淮区北街道"),
        ("subdistrict", "秦淮区南街道"),
        ("subdistrict", "建邺区北街道"),
        ("subdistrict", "建邺区南街道"),
        ("served", "南京市"),
    ]
    assert all(set(f["properties"]) == {"name", "level"} for f in features)
    shapes = {f["properties"]["name"]: shapely.geometry.shape(f["geometry"]) for f in features}
    for district in ("秦淮区", "建邺区"):
        for part in ("北街道", "南街道"):
            assert shapes[district].contains(shapes[district + part])
    assert shapes["南京市"].equals(shapely.box(118.0, 31.0, 119.0, 32.0))


def test_the_outline_is_simplified_for_the_phone(tree: Tree) -> None:
    # A subdistrict edge drawn with a point every 10 m is one straight line on the map.
    sub = tree["320104001"]
    ring = [(118.0 + i / 10_000, 31.5) for i in range(5_001)] + [(118.5, 32.0), (118.0, 32.0)]
    sub.boundary = shapely.to_wkb(shapely.Polygon(ring))
    sub.save()
    features = outline(Client())["features"]
    [north] = [f for f in features if f["properties"]["name"] == "秦淮区北街道"]
    assert north["geometry"]["coordinates"] == [
        [[118.0, 31.5], [118.5, 31.5], [118.5, 32.0], [118.0, 32.0], [118.0, 31.5]]
    ]


def test_the_outline_is_cached_until_a_boundary_changes(
    tree: Tree, django_assert_num_queries: Any
) -> None:
    client = Client()
    first = outline(client)
    with django_assert_num_queries(1):
        assert outline(client) == first
    district = tree["320105"]
    district.boundary = box(118.5, 31.0, 119.5, 32.0)
    district.save()
    assert outline(client) == first
    boundary_version_bump()
    [moved] = [f for f in outline(client)["features"] if f["properties"]["name"] == "建邺区"]
    assert shapely.geometry.shape(moved["geometry"]).bounds == (118.5, 31.0, 119.5, 32.0)


def test_without_a_jurisdiction_there_is_no_outline(db: Any) -> None:
    assert Client().get("/residents/outline.json").status_code == 404
