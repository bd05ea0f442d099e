"""A point outside every grid has no one to register it: each intake refuses it, the maps for
reporting open on the grids, and events filed there before are moved to a grid."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.events.models import Event, EventTransition
from gridgov.events.workflow import Status
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.spatial import spatial_index_reset
from gridgov.open311.actions import client_create
from gridgov.open311.models import ClientApplication
from gridgov.testing.loop import Report
from gridgov.testing.tree import Tree, box

# In community 320104001001 once its first grid shrinks to lon 118.0–118.1: no grid serves it.
GAP = (118.2, 31.7)
REFUSAL = "没有网格服务这个位置"


@pytest.fixture
def gap(tree: Tree) -> None:
    Node.objects.filter(code="320104001001001").update(boundary=box(118.0, 31.5, 118.1, 32.0))
    spatial_index_reset()


def test_the_staff_api_refuses_a_point_no_grid_serves(
    gap: None, catalogue: None, loop_users: dict[str, User]
) -> None:
    answer = login(Client(), loop_users["commander"]).post(
        "/api/v1/events",
        {"category": "0202", "description": "路灯不亮", "lon": GAP[0], "lat": GAP[1]},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert [(e["code"], e["field"]) for e in answer.json()["errors"]] == [
        ("outside_service_area", "location")
    ]
    assert not Event.objects.exists()


def test_the_staff_page_refuses_it_in_chinese(
    gap: None, catalogue: None, loop_users: dict[str, User]
) -> None:
    page = login(Client(), loop_users["commander"]).post(
        "/events/report/",
        {
            "category_class": "02",
            "category": "0202",
            "description": "路灯不亮",
            "lon": GAP[0],
            "lat": GAP[1],
        },
    )
    assert page.status_code == 422
    assert REFUSAL in page.content.decode()
    assert not Event.objects.exists()


def test_the_residents_page_refuses_it(gap: None, catalogue: None) -> None:
    page = Client().post(
        "/residents/",
        {
            "category": "0202",
            "description": "路灯不亮",
            "lon": GAP[0],
            "lat": GAP[1],
            "contact_phone": "13812345678",
            "consent": "on",
            "form_key": "k-1",
        },
    )
    assert page.status_code == 422
    assert REFUSAL in page.content.decode()
    assert not Event.objects.exists()


def test_open311_answers_400_with_the_reason(gap: None, catalogue: None) -> None:
    key = client_create(actor=None, client=ClientApplication(name="掌上秦淮"))
    with translation.override("en"):
        answer = Client().post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "0202",
                "lat": GAP[1],
                "long": GAP[0],
                "description": "路灯不亮",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert answer.status_code == 400
    assert any("No grid serves this point" in e["description"] for e in answer.json())
    assert not Event.objects.exists()


def test_the_maps_open_on_the_grids(gap: None, catalogue: None) -> None:
    Node.objects.filter(code__startswith="320105", level=Level.GRID).delete()
    spatial_index_reset()
    page = Client().get("/residents/").content.decode()
    # South, west, north, east of the grids left: the eastern district has none.
    assert 'data-bounds="31.0,118.0,32.0,118.5"' in page


def test_orphans_move_to_the_nearest_grid(
    report: Report, loop_users: dict[str, User], tree: Tree, gap: None
) -> None:
    event = report()
    Event.objects.filter(pk=event.pk).update(
        lon=GAP[0], lat=GAP[1], node=tree["3201"], grid=None, owner=tree["3201"]
    )
    closed = report()
    Event.objects.filter(pk=closed.pk).update(grid=None, owner=tree["3201"], status=Status.CLOSED)
    call_command("events_relocate_orphans")
    event.refresh_from_db()
    assert event.grid == event.owner == event.node == tree["320104001001002"]
    assert event.version == 2
    assert Event.objects.get(pk=closed.pk).grid is None
    assert AuditEntry.objects.filter(action="events.relocate", target_id=str(event.pk)).exists()
    assert EventTransition.objects.filter(event=event).count() == 1
