"""The jurisdiction pages through real HTTP: tree, map, grid card and detail, boundary import."""

from __future__ import annotations

import json

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.jurisdiction.models import GridOverlap, Layer, LayerKind, LayerUnit
from gridgov.staffing.actions import staff_create, work_group_create, work_group_member_add
from gridgov.staffing.models import GroupRole, StaffKind

GRID = "320104001001001"
SIBLING_GRID = "320104002001001"


@pytest.fixture
def staffed_grid(tree, users):
    """Grid 320104001001001 with a full-time worker, a police officer, a work group and a beat."""
    actor = users["dispatcher"]
    grid, community = tree[GRID], tree["320104001001"]
    worker = staff_create(
        actor=actor, name="王芳", kind=StaffKind.FULL_TIME, home_node=community, grids=[grid]
    )
    staff_create(
        actor=actor,
        name="李警官",
        kind=StaffKind.LEGAL_AFFAIRS,
        profession="police",
        employer="秦淮公安分局",
        home_node=community,
        grids=[grid],
    )
    group = work_group_create(actor=actor, name="一社区网格工作组", node=community, grids=[grid])
    work_group_member_add(actor=actor, group=group, role=GroupRole.LEADER, name="张书记")
    work_group_member_add(
        actor=actor, group=group, role=GroupRole.DEPUTY, name="赵所长", title="社区民警"
    )
    work_group_member_add(
        actor=actor, group=group, role=GroupRole.MEMBER, name=worker.name, staff=worker
    )
    layer = Layer.objects.create(kind=LayerKind.POLICE_BEAT, name="警格")
    beat = LayerUnit.objects.create(
        layer=layer,
        code="JG-001",
        name="夫子庙警格",
        node=tree["320104001001"],
        boundary=shapely.to_wkb(shapely.box(118.0, 31.5, 118.1, 32.0)),
    )
    GridOverlap.objects.create(grid=grid, unit=beat, grid_share=0.4, unit_share=1.0)
    return grid


def test_pages_need_login(tree):
    for url in (
        "/jurisdiction/nodes/",
        f"/jurisdiction/map/{GRID}/",
        f"/jurisdiction/grids/{GRID}/",
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_tree_starts_at_scope_root(client_for):
    response = client_for("dispatcher").get("/jurisdiction/nodes/")
    assert response.status_code == 302
    assert response["Location"] == "/jurisdiction/nodes/320104001/"


def test_node_page_lists_children_with_breadcrumbs(client_for):
    response = client_for("commander").get("/jurisdiction/nodes/320104001/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "秦淮区北街道一社区" in html
    assert 'hx-get="/jurisdiction/nodes/320104001001/children"' in html
    assert 'href="/jurisdiction/nodes/320104/"' in html
    assert 'href="/jurisdiction/nodes/3201/"' not in html


def test_children_fragment_lists_grids(client_for):
    response = client_for("dispatcher").get(
        "/jurisdiction/nodes/320104001001/children", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'href="/jurisdiction/grids/{GRID}/"' in html
    assert "320104001001002" in html


def test_fragments_opened_directly_lead_to_their_page(client_for):
    client = client_for("dispatcher")
    response = client.get(f"/jurisdiction/grids/{GRID}/card")
    assert response["Location"] == f"/jurisdiction/grids/{GRID}/"
    response = client.get("/jurisdiction/nodes/320104001001/children")
    assert response["Location"] == "/jurisdiction/nodes/320104001001/"


@pytest.mark.parametrize(
    "url",
    [
        "/jurisdiction/nodes/320104002/",
        "/jurisdiction/nodes/320104002/children",
        "/jurisdiction/map/320104002/",
        f"/jurisdiction/grids/{SIBLING_GRID}/",
        f"/jurisdiction/grids/{SIBLING_GRID}/card",
        "/jurisdiction/nodes/9999/",
    ],
)
def test_outside_jurisdiction_is_not_found(client_for, url):
    assert client_for("dispatcher").get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_map_of_a_node_fetches_its_children(client_for):
    response = client_for("dispatcher").get("/jurisdiction/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-geojson-url="/api/v1/jurisdiction/nodes/320104001/geojson"' in html
    assert 'data-card-url="/jurisdiction/grids/CODE/card"' in html
    assert "leaflet/leaflet.js" in html
    assert 'id="grid-card"' in html


def test_map_of_a_grid_shows_its_community_with_the_card_open(client_for):
    response = client_for("dispatcher").get(f"/jurisdiction/map/{GRID}/")
    html = response.content.decode()
    assert 'data-geojson-url="/api/v1/jurisdiction/nodes/320104001001/geojson"' in html
    assert f'hx-get="/jurisdiction/grids/{GRID}/card"' in html


def test_grid_worker_map_of_own_grid_stays_inside_scope(client_for):
    response = client_for("grid_worker").get(f"/jurisdiction/map/{GRID}/")
    assert response.status_code == 200
    assert 'href="/jurisdiction/map/320104001001/"' not in response.content.decode()


def test_grid_card_fragment(client_for, staffed_grid):
    response = client_for("community_staff").get(
        f"/jurisdiction/grids/{GRID}/card", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    for text in ("王芳", "李警官", "张书记", "赵所长", "社区民警", "夫子庙警格", "40%", GRID):
        assert text in html


def test_grid_detail_page(client_for, staffed_grid):
    response = client_for("grid_worker").get(f"/jurisdiction/grids/{GRID}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "一社区网格工作组" in html
    assert "秦淮公安分局" in html


def test_a_community_is_not_a_grid(client_for):
    assert client_for("dispatcher").get("/jurisdiction/grids/320104001001/").status_code == 404


def upload(content: bytes, name: str = "grids.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


def test_import_needs_the_capability(client_for):
    client = client_for("dispatcher")
    assert client.get("/jurisdiction/import/").status_code == 403
    assert "/jurisdiction/import/" not in client.get("/").content.decode()


def test_import_page_is_linked_for_the_system_administrator(client_for):
    client = client_for("system_admin")
    assert client.get("/jurisdiction/import/").status_code == 200
    assert 'href="/jurisdiction/import/"' in client.get("/").content.decode()


def test_import_refuses_a_file_that_is_not_json(client_for):
    response = client_for("system_admin").post(
        "/jurisdiction/import/", {"file": upload(b"{not json")}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def feature(code: str, name: str, box: tuple[float, float, float, float], **props):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, **props},
        "geometry": json.loads(shapely.to_geojson(shapely.box(*box))),
    }


def test_import_lists_every_problem(client_for, tree):
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature("32010400100", "坏代码", (118.0, 31.5, 118.1, 31.6)),
            feature("", "", (118.0, 31.5, 118.1, 31.6)),
        ],
    }
    response = client_for("system_admin").post(
        "/jurisdiction/import/", {"file": upload(json.dumps(collection).encode())}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "未导入任何数据" in html
    assert "未知层级" in html
    assert html.count("<tr>") >= 3


def test_import_counts_what_changed(client_for, tree):
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature(
                "320104001001003",
                "第3网格",
                (118.0, 31.5, 118.1, 31.6),
                grid_kind="dedicated",
                institution_kind="school",
                institution_name="夫子庙小学",
            )
        ],
    }
    client = client_for("system_admin")
    response = client.post(
        "/jurisdiction/import/", {"file": upload(json.dumps(collection).encode())}
    )
    assert response.status_code == 200, response.content.decode()
    assert 'id="import-result"' in response.content.decode()
    assert response.context["result"].created == 1
    again = client.post("/jurisdiction/import/", {"file": upload(json.dumps(collection).encode())})
    assert again.context["result"].unchanged == 1
