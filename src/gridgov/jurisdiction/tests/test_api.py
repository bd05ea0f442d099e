import json
from typing import Any

import prcoords
import pytest

from gridgov.jurisdiction import actions
from gridgov.jurisdiction.models import LayerKind, Node

from .helpers import collection, feature, polygon

API = "/api/v1/jurisdiction"


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


def test_needs_login(tree):
    from django.test import Client

    response = Client().get(f"{API}/tree")
    assert response.status_code == 401


def test_tree_from_scope_root(client_for):
    body = client_for("dispatcher").get(f"{API}/tree?depth=2").json()
    assert body["code"] == "320104001"
    [community] = body["children"]
    assert [g["code"] for g in community["children"]] == ["320104001001001", "320104001001002"]
    shallow = client_for("dispatcher").get(f"{API}/tree?depth=0").json()
    assert shallow["children"] == []


def test_tree_depth_is_limited(client_for):
    response = client_for("analyst").get(f"{API}/tree?depth=6")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "depth"


def test_node_and_children(client_for):
    client = client_for("commander")
    node = client.get(f"{API}/nodes/320104001001001").json()
    assert node["parent_code"] == "320104001001"
    assert (node["level_name"], node["grid_kind"]) == ("grid", "comprehensive")
    children = client.get(f"{API}/nodes/320104/children").json()
    assert [(c["code"], c["child_count"]) for c in children] == [
        ("320104001", 1),
        ("320104002", 1),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/nodes/320104002",
        "/nodes/320104002/children",
        "/nodes/320104002001/geojson",
        "/nodes/320104002001001/overlaps",
        "/nodes/3201",
        "/nodes/999999",
        "/export?root=320104002",
    ],
)
def test_sibling_jurisdiction_is_not_found(client_for, path):
    response = client_for("dispatcher").get(API + path)
    assert response.status_code == 404
    assert response.json()["code"] == "node_not_found"


def test_sibling_layer_unit_is_not_found(client_for, beat):
    response = client_for("sibling_dispatcher").get(f"{API}/layers/police_beat/units/JG01")
    assert response.status_code == 404
    assert response.json()["code"] == "layer_unit_not_found"


def test_node_geojson(client_for):
    client = client_for("dispatcher")
    children = client.get(f"{API}/nodes/320104001001/geojson").json()
    assert children["type"] == "FeatureCollection"
    props = [f["properties"] for f in children["features"]]
    assert [(p["code"], p["level"], p["kind"], p["population"]) for p in props] == [
        ("320104001001001", "grid", "comprehensive", 1000),
        ("320104001001002", "grid", "comprehensive", 1000),
    ]
    grid = client.get(f"{API}/nodes/320104001001001/geojson").json()
    [only] = grid["features"]
    assert only["geometry"]["type"] == "Polygon"


def test_overlaps(client_for, beat):
    body = client_for("grid_worker").get(f"{API}/nodes/320104001001001/overlaps").json()
    assert body == [
        {
            "unit": {"layer": "police_beat", "code": "JG01", "name": "一号警格"},
            "grid_share": pytest.approx(0.4),
            "unit_share": 1.0,
        }
    ]


def test_locate(client_for, beat):
    client = client_for("dispatcher")
    body = client.get(f"{API}/locate?lon=118.05&lat=31.7").json()
    assert body["grid"]["code"] == "320104001001001"
    assert body["node"]["code"] == "320104001001001"
    assert body["units"] == [{"layer": "police_beat", "code": "JG01", "name": "一号警格"}]
    bd = prcoords.wgs_bd(prcoords.Coords(31.7, 118.3))
    converted = client.get(f"{API}/locate?lon={bd.lon}&lat={bd.lat}&crs=bd09").json()
    assert converted["grid"]["code"] == "320104001001002"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("lon=120.5&lat=31.7", 422, "outside_city"),
        ("lon=118.7&lat=31.7", 404, "outside_jurisdiction"),
        ("lon=118.1&lat=31.7&crs=mercator", 422, "unknown_crs"),
        ("lon=abc&lat=31.7", 422, "invalid"),
    ],
)
def test_locate_errors(client_for, query, status, code):
    response = client_for("dispatcher").get(f"{API}/locate?{query}")
    assert response.status_code == status
    assert response.json()["code"] == code


def test_locate_bulk(client_for, beat):
    response = client_for("dispatcher").post(
        f"{API}/locate/bulk",
        {"crs": "wgs84", "points": [[118.05, 31.7], [118.7, 31.7], [0, 0]]},
        content_type="application/json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["location"]["grid"]["code"] == "320104001001001"
    assert results[0]["error"] is None
    assert [r["error"]["code"] for r in results[1:]] == ["outside_jurisdiction", "outside_city"]


@pytest.mark.parametrize("count", [0, 10_001])
def test_locate_bulk_size(client_for, count):
    response = client_for("dispatcher").post(
        f"{API}/locate/bulk",
        {"points": [[118.05, 31.7]] * count},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "points"


def test_layers_and_units(client_for, beat):
    client = client_for("community_staff")
    assert client.get(f"{API}/layers").json() == [{"kind": "police_beat", "name": "警格"}]
    page = client.get(f"{API}/layers/police_beat/units").json()
    assert page["count"] == 1
    assert page["items"][0] == {
        "layer": "police_beat",
        "code": "JG01",
        "name": "一号警格",
        "node_code": "320104001001001",
    }
    assert client.get(f"{API}/layers/police_beat/units/JG01").json()["code"] == "JG01"
    assert client.get(f"{API}/layers/compound/units").status_code == 404
    assert (
        client_for("sibling_dispatcher").get(f"{API}/layers/police_beat/units").json()["count"] == 0
    )


GRID3 = feature(
    "320104001001003", "第3网格", polygon(118.0, 31.5, 118.1, 31.6), kind="comprehensive"
)


def test_import_needs_the_capability(client_for):
    response = client_for("commander").post(
        f"{API}/import", json.dumps(collection(GRID3)), content_type="application/geo+json"
    )
    assert response.status_code == 403
    assert not Node.objects.filter(code="320104001001003").exists()


def test_import_and_export(client_for):
    client = client_for("system_admin")
    body = json.dumps(collection(GRID3))
    response = client.post(f"{API}/import", body, content_type="application/geo+json")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    again = client.post(f"{API}/import", body, content_type="application/geo+json").json()
    assert again == {"created": 0, "updated": 0, "unchanged": 1}
    exported = client.get(f"{API}/export?root=320104001001").json()
    assert [f["properties"]["code"] for f in exported["features"]][-1] == "320104001001003"


def test_import_errors_name_each_feature(client_for):
    broken = polygon(118.0, 31.5, 118.1, 31.6)
    broken["coordinates"][0].pop()
    body = collection(
        GRID3,
        feature("32010400100100X", "坏", polygon(118.0, 31.5, 118.1, 31.6), kind="comprehensive"),
        feature("320104001001004", "开口", broken, kind="comprehensive"),
    )
    response = client_for("system_admin").post(
        f"{API}/import", json.dumps(body), content_type="application/geo+json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "index": 1,
            "item": "32010400100100X",
            "field": "code",
            "code": "invalid_code",
            "message": response.json()["errors"][0]["message"],
        },
        {
            "index": 2,
            "item": "320104001001004",
            "field": "geometry.coordinates[0]",
            "code": "unclosed_ring",
            "message": response.json()["errors"][1]["message"],
        },
    ]
    assert not Node.objects.filter(code="320104001001003").exists()


def test_import_malformed(client_for):
    response = client_for("system_admin").post(
        f"{API}/import", b"{oops", content_type="application/geo+json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "malformed_geojson"


def test_locate_bulk_accepts_ten_thousand_gcj02_points(client_for, beat):
    import numpy as np

    rng = np.random.default_rng(5)
    points = np.column_stack(
        [rng.uniform(118.01, 118.49, 10_000), rng.uniform(31.51, 31.99, 10_000)]
    )
    response = client_for("dispatcher").post(
        f"{API}/locate/bulk",
        {"crs": "gcj02", "points": points.tolist()},
        content_type="application/json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 10_000
    assert sum(r["error"] is None for r in results) > 9_900
