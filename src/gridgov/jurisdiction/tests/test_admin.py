import json
from typing import Any

import shapely

from gridgov.audit.models import AuditEntry
from gridgov.jurisdiction.models import GridOverlap, LayerUnit, Node

from .helpers import polygon

GRID = "320104001001001"


def node_url(tree: Any, code: str, action: str = "change") -> str:
    return f"/admin/jurisdiction/node/{tree[code].pk}/{action}/"


def form_data(**over: Any) -> dict[str, Any]:
    return {
        "name": "第1网格",
        "grid_kind": "comprehensive",
        "institution_kind": "",
        "institution_name": "",
        "population": "900",
        "boundary_geojson": json.dumps(polygon(118.0, 31.5, 118.25, 32.0)),
    } | over


def test_list_is_scoped_and_searchable(tree, client_for):
    client = client_for("system_admin")
    response = client.get("/admin/jurisdiction/node/?q=320104001001&level__exact=5")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [
        tree["320104001001001"],
        tree["320104001001002"],
    ]


def test_change_form_shows_the_boundary_as_geojson(tree, client_for):
    response = client_for("system_admin").get(node_url(tree, GRID))
    assert response.status_code == 200
    shown = json.loads(response.context["adminform"].form.initial["boundary_geojson"])
    assert shapely.equals(shapely.geometry.shape(shown), tree[GRID].geometry)


def test_unclosed_ring_is_refused(tree, client_for):
    ring = polygon(118.0, 31.5, 118.25, 32.0)
    ring["coordinates"][0].pop()
    response = client_for("system_admin").post(
        node_url(tree, GRID), form_data(boundary_geojson=json.dumps(ring))
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["boundary_geojson"]
    assert errors[0].startswith("geometry.coordinates[0]:")
    assert not AuditEntry.objects.filter(action="jurisdiction.node_update").exists()


def test_boundary_outside_the_parent_is_refused(tree, client_for):
    response = client_for("system_admin").post(
        node_url(tree, GRID),
        form_data(boundary_geojson=json.dumps(polygon(118.0, 31.0, 118.25, 32.0))),
    )
    assert response.status_code == 200
    assert "320104001001 " in str(response.context["adminform"].form.non_field_errors())


def test_change_goes_through_the_action(tree, client_for, users):
    smaller = json.dumps(polygon(118.0, 31.5, 118.2, 32.0))
    response = client_for("system_admin").post(
        node_url(tree, GRID), form_data(boundary_geojson=smaller)
    )
    assert response.status_code == 302
    node = Node.objects.get(code=GRID)
    assert node.population == 900
    assert shapely.equals(node.geometry, shapely.box(118.0, 31.5, 118.2, 32.0))
    entry = AuditEntry.objects.get(action="jurisdiction.node_update")
    assert entry.actor == users["system_admin"]


def test_add_node(tree, client_for):
    response = client_for("system_admin").post(
        "/admin/jurisdiction/node/add/",
        form_data(code="320104001001003", level="5", name="第3网格"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Node.objects.get(code="320104001001003").parent == tree["320104001001"]


def test_layer_unit_add_and_overlaps_are_read_only(tree, client_for):
    from gridgov.jurisdiction.actions import layer_for

    layer = layer_for("police_beat")
    client = client_for("system_admin")
    response = client.post(
        "/admin/jurisdiction/layerunit/add/",
        {
            "layer": layer.pk,
            "code": "JG1",
            "name": "警格",
            "boundary_geojson": json.dumps(polygon(118.0, 31.5, 118.1, 31.6)),
        },
    )
    assert response.status_code == 302
    assert LayerUnit.objects.get(code="JG1").node.code == GRID
    assert GridOverlap.objects.count() == 1
    listing = client.get("/admin/jurisdiction/gridoverlap/")
    assert listing.status_code == 200
    assert client.get("/admin/jurisdiction/gridoverlap/add/").status_code == 403


def test_district_administrator_sees_and_edits_only_their_district(tree):
    from django.test import Client

    from gridgov.accounts.roles import Role
    from gridgov.testing.users import make_user

    client = Client()
    client.force_login(
        make_user("sa-jy", Role.SYSTEM_ADMIN, node=tree["320105"]),
        backend="gridgov.accounts.backends.RoleBackend",
    )
    listing = client.get("/admin/jurisdiction/node/")
    codes = {n.code for n in listing.context["cl"].result_list}
    assert codes == {c for c in tree.nodes if c.startswith("320105")}
    assert client.get(node_url(tree, GRID)).status_code == 404


def test_layer_unit_outside_the_city_is_refused(tree, client_for):
    from gridgov.jurisdiction.actions import layer_for

    response = client_for("system_admin").post(
        "/admin/jurisdiction/layerunit/add/",
        {
            "layer": layer_for("compound").pk,
            "code": "X",
            "name": "城外",
            "boundary_geojson": json.dumps(polygon(119.5, 31.5, 119.6, 31.6)),
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not LayerUnit.objects.exists()


def test_a_name_with_markup_is_refused_on_the_form(tree, client_for):
    from gridgov.jurisdiction.actions import layer_for

    client = client_for("system_admin")
    response = client.post(node_url(tree, GRID), form_data(name="<b>第1网格</b>"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == ["名称不能包含 < 或 >。"]
    unit = client.post(
        "/admin/jurisdiction/layerunit/add/",
        {
            "layer": layer_for("police_beat").pk,
            "code": "JG1",
            "name": "<script>",
            "boundary_geojson": json.dumps(polygon(118.0, 31.5, 118.1, 31.6)),
        },
    )
    assert unit.status_code == 200
    assert unit.context["adminform"].form.errors["name"] == ["名称不能包含 < 或 >。"]
    assert Node.objects.get(code=GRID).name != "<b>第1网格</b>"
    assert not LayerUnit.objects.exists()
