"""The events API over real HTTP: 201/200 on success, 403/404/409/422 with the common body."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.events.models import Event
from gridgov.events.workflow import Status
from gridgov.testing.images import JPEG
from gridgov.testing.loop import Report, Walk
from gridgov.testing.tree import HERE
from gridgov.testing.users import make_user

BASE = "/api/v1/events"


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def command(client: Client, event: Event, name: str, **body: Any) -> Any:
    body.setdefault("expected_version", event.version)
    return client.post(
        f"{BASE}/{event.number}/commands/{name}", body, content_type="application/json"
    )


def test_report_then_walk_the_loop_over_http(catalogue: None, as_user: Any) -> None:
    worker = as_user("grid_worker")
    answer = worker.post(
        BASE,
        {
            "category": "0401",
            "description": "5栋飞线充电",
            "lon": HERE[0],
            "lat": HERE[1],
            "extra": {"building": "5栋"},
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "reported"
    assert body["grid"]["code"] == "320104001001001"
    assert body["allowed_commands"] == ["self_handle", "escalate"]
    assert [d["stage"] for d in body["deadlines"]] == ["register"]
    event = Event.objects.get(number=body["number"])
    dispatcher = as_user("dispatcher")
    assert dispatcher.get(f"{BASE}/{event.number}").json()["allowed_commands"] == [
        "register",
        "reject",
        "cancel",
        "merge",
        "escalate",
        "supervise",
    ]
    answer = command(dispatcher, event, "register", note="立案")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["version"] == 2
    event.refresh_from_db()
    answer = command(dispatcher, event, "dispatch")
    assert answer.json()["assigned_department"]["code"] == "320104-fire"
    event.refresh_from_db()
    handler = as_user("handler")
    answer = command(handler, event, "return", reason="非本部门职责")
    assert answer.status_code == 200
    assert answer.json()["status"] == "returned"
    timeline = dispatcher.get(f"{BASE}/{event.number}/timeline").json()
    assert [(t["command"], t["to_status"]) for t in timeline] == [
        ("report", "reported"),
        ("register", "registered"),
        ("dispatch", "dispatched"),
        ("return", "returned"),
    ]
    assert timeline[3]["reason"] == "非本部门职责"
    assert timeline[3]["actor"] == "fh"


def test_a_command_not_possible_now_is_409_listing_what_is(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REGISTERED)
    answer = command(as_user("dispatcher"), event, "close")
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "command_not_allowed"
    assert [e["item"] for e in body["errors"]] == [
        "dispatch",
        "suspend",
        "cancel",
        "merge",
        "escalate",
        "supervise",
    ]


def test_a_stale_version_is_409(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REGISTERED)
    answer = command(as_user("dispatcher"), event, "suspend", reason="x", expected_version=1)
    assert answer.status_code == 409
    assert answer.json()["code"] == "stale_version"


def test_the_wrong_role_is_403_and_outside_scope_is_404(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REPORTED)
    assert command(as_user("analyst"), event, "register").status_code == 403
    assert command(as_user("grid_worker"), event, "register").status_code == 403
    assert command(as_user("sibling_dispatcher"), event, "register").status_code == 404
    assert as_user("sibling_dispatcher").get(f"{BASE}/{event.number}").status_code == 404
    assert as_user("handler").get(f"{BASE}/{event.number}/timeline").status_code == 404


def test_bad_input_is_422(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REPORTED)
    dispatcher = as_user("dispatcher")
    answer = command(dispatcher, event, "reject")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "reason"
    assert command(dispatcher, event, "explode").status_code == 422
    answer = dispatcher.post(
        f"{BASE}/{event.number}/commands/register", {}, content_type="application/json"
    )
    assert answer.status_code == 422
    answer = as_user("grid_worker").post(
        BASE,
        {"category": "0401", "description": "x", "lon": 120.5, "lat": 30.0},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert {e["code"] for e in answer.json()["errors"]} == {"outside_city", "required"}


def test_the_list_is_scoped_and_filtered(report: Report, walk: Walk, as_user: Any) -> None:
    reported = report()
    registered = walk(Status.REGISTERED)
    urgent = report(category_code="0501", extra={})

    def numbers(client: Client, query: str = "") -> set[str]:
        answer = client.get(f"{BASE}{query}")
        assert answer.status_code == 200
        return {e["number"] for e in answer.json()["items"]}

    everything = {reported.number, registered.number, urgent.number}
    assert numbers(as_user("commander")) == everything
    assert numbers(as_user("grid_worker")) == everything
    assert numbers(as_user("sibling_dispatcher")) == set()
    assert numbers(as_user("handler")) == set()
    assert numbers(as_user("commander"), "?status=registered") == {registered.number}
    assert numbers(as_user("commander"), "?category=05") == {urgent.number}
    assert numbers(as_user("commander"), "?category=0401&status=reported") == {reported.number}
    assert as_user("commander").get(f"{BASE}?status=lost").status_code == 422


def test_the_department_sees_what_was_dispatched_to_it(walk: Walk, as_user: Any) -> None:
    event = walk(Status.DISPATCHED)
    body = as_user("handler").get(BASE).json()
    assert [e["number"] for e in body["items"]] == [event.number]
    assert body["items"][0]["allowed_commands"] == ["accept", "return"]
    assert as_user("other_handler").get(f"{BASE}/{event.number}").status_code == 404


def test_categories(catalogue: None, as_user: Any) -> None:
    answer = as_user("grid_worker").get(f"{BASE}/categories")
    assert answer.status_code == 200
    classes = {c["code"]: c for c in answer.json()}
    fire = {s["code"]: s for s in classes["04"]["subclasses"]}
    assert fire["0401"]["name"] == "飞线充电"
    assert fire["0401"]["self_handle"] is True
    assert fire["0401"]["extra_fields"][0]["code"] == "building"
    assert all(s["natural_time"] for s in classes["10"]["subclasses"])


def test_anonymous_is_401(catalogue: None) -> None:
    assert Client().get(BASE).status_code == 401


def test_the_openapi_schema_documents_the_routes(catalogue: None, as_user: Any) -> None:
    answer = as_user("commander").get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert {
        f"{BASE}",
        f"{BASE}/with-photos",
        f"{BASE}/hotline",
        f"{BASE}/intake",
        f"{BASE}/{{number}}/commands/{{command}}",
        f"{BASE}/{{number}}/commands/{{command}}/with-photos",
        f"{BASE}/{{number}}/duplicates",
        f"{BASE}/stats/closure-by-level",
        f"{BASE}/stats/response-time",
        f"{BASE}/categories",
    } <= set(document["paths"])
    schemas = document["components"]["schemas"]
    # The event's enums are named for events, so another package's "Status" cannot replace them.
    status = schemas["EventOut"]["properties"]["status"]
    assert (status["title"], status["enum"]) == ("EventStatus", Status.values)
    assert schemas["IntakeIn"]["properties"]["channel"]["title"] == "EventChannel"


def test_the_admin_shows_the_catalogue_and_read_only_events(
    report: Report, loop_users: dict[str, User], tree: Any
) -> None:
    event = report(photos=[SimpleUploadedFile("before.jpg", JPEG)])
    root = make_user("root", Role.SYSTEM_ADMIN, node=tree["3201"])
    root.is_superuser = True
    root.save()
    client = login(Client(), root)
    assert client.get("/admin/events/category/").status_code == 200
    page = client.get(f"/admin/events/event/{event.pk}/change/")
    assert page.status_code == 200
    assert event.number in page.content.decode()
    assert "before.jpg" in page.content.decode()
    assert client.get("/admin/events/event/add/").status_code == 403


def test_the_list_costs_the_same_queries_for_more_events(
    report: Report, as_user: Any, django_assert_num_queries: Any
) -> None:
    client = as_user("commander")
    report()
    client.get(BASE)
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    for _ in range(4):
        report()
    with django_assert_num_queries(len(few)):
        assert len(client.get(BASE).json()["items"]) == 5
