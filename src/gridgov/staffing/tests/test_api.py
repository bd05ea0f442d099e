import json
from typing import Any

import pytest
from django.test import Client

from gridgov.audit.models import AuditEntry
from gridgov.staffing import actions
from gridgov.staffing.models import GroupRole, StaffKind, StaffMember, WorkGroup, WorkGroupMember

API = "/api/v1/staffing"
COMMUNITY = "320104001001"
GRID_1 = "320104001001001"
GRID_2 = "320104001001002"
SIBLING_GRID = "320104002001001"


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body) if body is not None else None, content_type="application/json"
    )


@pytest.fixture
def worker(tree, users):
    return actions.staff_create(
        actor=users["dispatcher"],
        name="王芳",
        kind=StaffKind.FULL_TIME,
        home_node=tree[COMMUNITY],
        grids=[tree[GRID_1]],
    )


@pytest.fixture
def group(tree, users, worker):
    group = actions.work_group_create(
        actor=users["dispatcher"], name="工作组", node=tree[COMMUNITY], grids=[tree[GRID_1]]
    )
    actions.work_group_member_add(
        actor=users["dispatcher"], group=group, role=GroupRole.LEADER, name="", staff=worker
    )
    return group


def test_create_and_read_staff(client_for, tree):
    client = client_for("community_staff")
    response = send(
        client,
        "post",
        f"{API}/staff",
        {
            "name": "李强",
            "kind": "legal_affairs",
            "profession": "police",
            "employer": "秦淮公安分局",
            "home_node": COMMUNITY,
            "grids": [GRID_1, GRID_2],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "legal_affairs"
    assert body["home_node"] == {"code": COMMUNITY, "name": tree[COMMUNITY].name}
    assert [g["code"] for g in body["grids"]] == [GRID_1, GRID_2]
    detail = client.get(f"{API}/staff/{body['id']}").json()
    assert detail == body
    english = client.get(f"{API}/staff/{body['id']}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["kind_label"] == "legal-affairs grid worker"


def test_create_staff_bad_input_is_422_with_fields(client_for):
    client = client_for("dispatcher")
    response = send(
        client,
        "post",
        f"{API}/staff",
        {"name": "甲", "kind": "legal_affairs", "home_node": COMMUNITY, "grids": [COMMUNITY]},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("profession", "profession_required"),
        ("grids", "not_a_grid"),
    }
    assert [e.get("index") for e in errors if e["field"] == "grids"] == [0]
    response = send(client, "post", f"{API}/staff", {"name": "甲", "kind": "wizard"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"kind", "home_node"}
    assert not StaffMember.objects.exists()


def test_list_staff_filters_and_paginates(client_for, tree, users, worker):
    actions.staff_create(
        actor=users["dispatcher"],
        name="志愿者",
        kind=StaffKind.VOLUNTEER,
        home_node=tree["320104001"],
    )
    client = client_for("dispatcher")
    assert client.get(f"{API}/staff").json()["count"] == 2
    body = client.get(f"{API}/staff", {"node": GRID_1}).json()
    assert [s["name"] for s in body["items"]] == ["王芳"]
    body = client.get(f"{API}/staff", {"kind": "volunteer"}).json()
    assert [s["name"] for s in body["items"]] == ["志愿者"]
    body = client.get(f"{API}/staff", {"page_size": 1, "page": 2}).json()
    assert (body["count"], len(body["items"])) == (2, 1)
    assert client.get(f"{API}/staff", {"kind": "wizard"}).status_code == 422


def test_assign_and_unassign(client_for, worker):
    client = client_for("community_staff")
    url = f"{API}/staff/{worker.pk}/assignments"
    response = send(client, "post", url, {"grid_code": GRID_2})
    assert response.status_code == 201
    assert [g["code"] for g in response.json()["grids"]] == [GRID_1, GRID_2]
    assert send(client, "post", url, {"grid_code": GRID_2}).status_code == 409
    assert send(client, "post", url, {"grid_code": COMMUNITY}).status_code == 422
    assert send(client, "post", url, {}).status_code == 422
    assert client.delete(f"{url}/{GRID_1}").status_code == 204
    assert client.delete(f"{url}/{GRID_1}").status_code == 404
    assert list(worker.grids.values_list("code", flat=True)) == [GRID_2]


def test_update_and_deactivate(client_for, worker):
    client = client_for("dispatcher")
    response = send(client, "patch", f"{API}/staff/{worker.pk}", {"employer": "秦淮区"})
    assert response.json()["employer"] == "秦淮区"
    response = send(client, "patch", f"{API}/staff/{worker.pk}", {"kind": "legal_affairs"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "profession"
    response = send(
        client,
        "patch",
        f"{API}/staff/{worker.pk}",
        {"kind": "legal_affairs", "profession": "judge"},
    )
    assert response.json()["profession"] == "judge"
    response = send(
        client, "patch", f"{API}/staff/{worker.pk}", {"kind": "full_time", "profession": ""}
    )
    assert (response.json()["kind"], response.json()["profession"]) == ("full_time", "")
    response = client.post(f"{API}/staff/{worker.pk}/deactivate")
    assert response.json()["active"] is False
    assert client.post(f"{API}/staff/{worker.pk}/deactivate").status_code == 409


def test_groups(client_for, tree, worker):
    client = client_for("dispatcher")
    response = send(
        client,
        "post",
        f"{API}/groups",
        {"name": "组", "node": COMMUNITY, "grids": [GRID_1, GRID_2]},
    )
    assert response.status_code == 201
    group_id = response.json()["id"]
    members = f"{API}/groups/{group_id}/members"
    response = send(client, "post", members, {"role": "leader", "staff_id": worker.pk})
    assert response.status_code == 201
    assert response.json()["name"] == "王芳"
    assert response.json()["staff_id"] == worker.pk
    assert send(client, "post", members, {"role": "leader", "name": "乙"}).status_code == 409
    response = send(client, "post", members, {"role": "deputy", "name": "赵", "title": "社区民警"})
    deputy_id = response.json()["id"]
    body = client.get(f"{API}/groups/{group_id}").json()
    assert [(m["role"], m["name"]) for m in body["members"]] == [
        ("leader", "王芳"),
        ("deputy", "赵"),
    ]
    assert client.delete(f"{members}/{deputy_id}").status_code == 204
    response = send(client, "put", f"{API}/groups/{group_id}/grids", {"grids": [GRID_2]})
    assert [g["code"] for g in response.json()["grids"]] == [GRID_2]
    listing = client.get(f"{API}/groups", {"node": GRID_2}).json()
    assert [g["id"] for g in listing["items"]] == [group_id]


def test_group_bad_input(client_for):
    client = client_for("commander")
    response = send(
        client, "post", f"{API}/groups", {"name": "组", "node": COMMUNITY, "grids": [SIBLING_GRID]}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "grids",
            "code": "grid_outside_group",
            "index": 0,
            "item": SIBLING_GRID,
            "message": response.json()["errors"][0]["message"],
        }
    ]
    response = send(client, "post", f"{API}/groups", {"name": "组", "node": COMMUNITY})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "grids"
    assert not WorkGroup.objects.exists()


def test_coverage(client_for, worker):
    client = client_for("dispatcher")
    body = client.get(f"{API}/coverage").json()
    assert body["node"]["code"] == "320104001"
    assert [r["node"]["code"] for r in body["rows"]] == [COMMUNITY]
    assert body["total"]["worker_count"] == 1
    assert [g["code"] for g in body["total"]["grids_without_legal_affairs"]] == [GRID_1, GRID_2]
    assert body["total"]["fully_covered"] is False
    body = client.get(f"{API}/coverage", {"node": COMMUNITY}).json()
    assert [(r["node"]["code"], r["worker_count"]) for r in body["rows"]] == [
        (GRID_1, 1),
        (GRID_2, 0),
    ]
    assert body["total"]["workers_per_thousand"] == 0.5


def test_writes_need_the_capability(client_for, worker, group):
    client = client_for("grid_worker")
    assert client.get(f"{API}/staff/{worker.pk}").status_code == 200
    forbidden = [
        ("post", f"{API}/staff", {"name": "甲", "kind": "full_time", "home_node": GRID_1}),
        ("patch", f"{API}/staff/{worker.pk}", {"name": "乙"}),
        ("post", f"{API}/staff/{worker.pk}/deactivate", None),
        ("post", f"{API}/staff/{worker.pk}/assignments", {"grid_code": GRID_1}),
        ("delete", f"{API}/staff/{worker.pk}/assignments/{GRID_1}", None),
        ("post", f"{API}/groups", {"name": "组", "node": GRID_1, "grids": [GRID_1]}),
        ("put", f"{API}/groups/{group.pk}/grids", {"grids": [GRID_1]}),
        ("post", f"{API}/groups/{group.pk}/members", {"role": "member", "name": "丙"}),
        ("delete", f"{API}/groups/{group.pk}/members/{group.members.get().pk}", None),
    ]
    for method, url, body in forbidden:
        response = send(client, method, url, body)
        assert response.status_code == 403, (method, url, response.json())
        assert response.json()["code"] == "cannot_manage_staff"
    assert StaffMember.objects.count() == 1
    assert WorkGroupMember.objects.count() == 1


def test_siblings_get_404_on_every_route(client_for, worker, group):
    member = group.members.get()
    routes = [
        ("get", f"{API}/staff/{worker.pk}", None),
        ("get", f"{API}/staff?node={COMMUNITY}", None),
        ("post", f"{API}/staff", {"name": "甲", "kind": "full_time", "home_node": COMMUNITY}),
        (
            "post",
            f"{API}/staff",
            {"name": "甲", "kind": "full_time", "home_node": "320104002001", "grids": [GRID_1]},
        ),
        ("patch", f"{API}/staff/{worker.pk}", {"name": "乙"}),
        ("post", f"{API}/staff/{worker.pk}/deactivate", None),
        ("post", f"{API}/staff/{worker.pk}/assignments", {"grid_code": SIBLING_GRID}),
        ("delete", f"{API}/staff/{worker.pk}/assignments/{GRID_1}", None),
        ("get", f"{API}/groups?node={COMMUNITY}", None),
        ("get", f"{API}/groups/{group.pk}", None),
        ("post", f"{API}/groups", {"name": "组", "node": COMMUNITY, "grids": [GRID_1]}),
        ("put", f"{API}/groups/{group.pk}/grids", {"grids": [SIBLING_GRID]}),
        ("post", f"{API}/groups/{group.pk}/members", {"role": "member", "name": "丙"}),
        ("delete", f"{API}/groups/{group.pk}/members/{member.pk}", None),
        ("get", f"{API}/coverage?node={COMMUNITY}", None),
    ]
    audit_rows = AuditEntry.objects.count()
    for who in ("sibling_dispatcher", "sibling_commander"):
        client = client_for(who)
        for method, url, body in routes:
            response = send(client, method, url, body)
            assert response.status_code == 404, (who, method, url, response.json())
        assert client.get(f"{API}/staff").json()["count"] == 0
        assert client.get(f"{API}/groups").json()["count"] == 0
    assert AuditEntry.objects.count() == audit_rows
    worker.refresh_from_db()
    assert (worker.name, worker.active) == ("王芳", True)


def test_anonymous_is_401(client):
    assert client.get(f"{API}/staff").status_code == 401
    assert client.get(f"{API}/coverage").status_code == 401
