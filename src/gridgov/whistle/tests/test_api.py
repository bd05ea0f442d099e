"""The whistle API over HTTP: status codes, scope, and nothing written on error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Event
from gridgov.events.workflow import Status
from gridgov.whistle.models import Summons, Whistle, WhistleLog
from gridgov.whistle.tests.conftest import Blow

API = "/api/v1/whistle"
ClientFor = Callable[[str], Client]


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{url}", body or {}, content_type="application/json")


@pytest.fixture
def as_(people: dict[str, User]) -> ClientFor:
    return lambda name: login(Client(), people[name])


def test_the_whole_flow_over_http(as_: ClientFor, registered: Callable[[], Event]) -> None:
    event = registered()
    dispatcher, fire, urban = as_("dispatcher"), as_("handler"), as_("other_handler")
    made = post(
        dispatcher,
        "/whistles",
        {
            "event_number": event.number,
            "reason": "no_clear_owner",
            "department_codes": ["320104-fire", "320104-urban"],
            "limits": {"320104-fire": 45},
        },
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["reason_label"]
    assert [s["limit_minutes"] for s in body["summonses"]] == [45, 30]
    whistle_id = body["id"]
    queue = fire.get(f"{API}/summons").json()
    assert [s["department"]["code"] for s in queue["to_report"]] == ["320104-fire"]
    fire_id = queue["to_report"][0]["id"]
    urban_id = urban.get(f"{API}/summons").json()["to_report"][0]["id"]
    seen = fire.get(f"{API}/whistles/{whistle_id}").json()
    assert seen["event_description"] == event.description
    assert [s["department"]["code"] for s in seen["summonses"]] == ["320104-fire"]
    for client, sid in ((fire, fire_id), (urban, urban_id)):
        assert post(client, f"/summons/{sid}/report").status_code == 200
        done = post(client, f"/summons/{sid}/part-done", {"description": "已完成"})
        assert done.json()["part_done_at"]
    assert fire.get(f"{API}/summons").json()["in_hand"] == []
    for sid in (fire_id, urban_id):
        assert post(dispatcher, f"/summons/{sid}/verify").status_code == 200
        rated = post(dispatcher, f"/summons/{sid}/rating", {"rating": 5, "comment": "好"})
        assert rated.json()["rating"] == 5
    detail = dispatcher.get(f"{API}/whistles/{whistle_id}").json()
    assert detail["closed_at"]
    assert Event.objects.get(pk=event.pk).status == Status.HANDLED
    listed = dispatcher.get(f"{API}/whistles?open=false").json()
    assert [w["id"] for w in listed["items"]] == [whistle_id]
    assert dispatcher.get(f"{API}/whistles?open=true").json()["items"] == []
    stats = dispatcher.get(f"{API}/stats?node=320104001").json()
    assert {s["department"]["code"]: s["average_rating"] for s in stats} == {
        "320104-fire": 5.0,
        "320104-urban": 5.0,
    }


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({"reason": "boredom"}, {"unknown_reason"}),
        ({"department_codes": ["nope"]}, {"unknown_department"}),
        ({"department_codes": []}, {"required"}),
        ({"limits": {"320104-fire": -5}}, {"bad_limit"}),
        ({"limits": {"320104-fire": "soon"}}, {"int_parsing"}),
    ],
)
def test_bad_input_is_422_and_writes_nothing(
    as_: ClientFor,
    registered: Callable[[], Event],
    body: dict[str, Any],
    codes: set[str],
) -> None:
    event = registered()
    answer = post(
        as_("dispatcher"),
        "/whistles",
        {
            "event_number": event.number,
            "reason": "spans_areas",
            "department_codes": ["320104-fire"],
            **body,
        },
    )
    assert answer.status_code == 422
    assert {e["code"] for e in answer.json()["errors"]} == codes
    assert not Whistle.objects.exists()
    assert not WhistleLog.objects.exists()
    assert Event.objects.get(pk=event.pk).version == event.version


def test_roles_and_scope(as_: ClientFor, blow: Blow, registered: Callable[[], Event]) -> None:
    whistle = blow()
    fire = whistle.summonses.get(department__code="320104-fire")
    body = {
        "event_number": registered().number,
        "reason": "spans_areas",
        "department_codes": ["320104-fire"],
    }
    assert post(as_("grid_worker"), "/whistles", body).status_code == 403
    assert post(as_("sibling_dispatcher"), "/whistles", body).status_code == 404
    assert as_("sibling_dispatcher").get(f"{API}/whistles/{whistle.pk}").status_code == 404
    assert as_("sibling_dispatcher").get(f"{API}/whistles").json()["items"] == []
    assert as_("far_handler").get(f"{API}/whistles/{whistle.pk}").status_code == 404
    assert as_("commander").get(f"{API}/whistles/{whistle.pk}").status_code == 200
    assert post(as_("dispatcher"), f"/summons/{fire.pk}/report").status_code == 403
    assert post(as_("other_handler"), f"/summons/{fire.pk}/report").status_code == 404
    assert as_("dispatcher").get(f"{API}/summons").status_code == 403
    assert as_("sibling_dispatcher").get(f"{API}/stats?node=320104001").status_code == 404
    assert Summons.objects.filter(reported_at__isnull=False).count() == 0


def test_wrong_state_is_409(as_: ClientFor, blow: Blow) -> None:
    whistle = blow()
    fire = whistle.summonses.get(department__code="320104-fire")
    dispatcher, handler = as_("dispatcher"), as_("handler")
    assert post(dispatcher, f"/summons/{fire.pk}/verify").status_code == 409
    assert post(dispatcher, f"/summons/{fire.pk}/rating", {"rating": 3}).status_code == 409
    again = post(
        dispatcher,
        "/whistles",
        {
            "event_number": whistle.event.number,
            "reason": "spans_areas",
            "department_codes": ["320104-fire"],
        },
    )
    assert again.status_code == 409
    assert again.json()["code"] == "whistle_open"
    assert post(handler, f"/summons/{fire.pk}/report").status_code == 200
    assert post(handler, f"/summons/{fire.pk}/report").status_code == 409
    bad = post(dispatcher, f"/summons/{fire.pk}/rating", {"rating": 9})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "rating"
    assert Summons.objects.get(pk=fire.pk).rating is None
