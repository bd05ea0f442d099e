"""The staff map's events and heat points over HTTP: scoped, filtered, flagged, validated."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Deadline, Event
from gridgov.events.workflow import Status
from gridgov.testing.loop import Report, Walk

GRID = "320104001001001"
MAP = "/events/map.json"
HEAT = "/events/heat.json"


def get(user: User, url: str, **params: str) -> Any:
    return login(Client(), user).get(url, params)


def numbers(response: Any) -> set[str]:
    return {row[2] for row in response.json()["events"]}


def test_open_events_with_state_overdue_and_category(
    loop_users: dict[str, User], walk: Walk
) -> None:
    late = walk(Status.DISPATCHED)
    Deadline.objects.filter(event=late, ended_at__isnull=True).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    fresh = walk(Status.REPORTED)
    closed = walk(Status.CLOSED)
    response = get(loop_users["dispatcher"], MAP, node="320104001")
    assert response.status_code == 200
    body = response.json()
    rows = {row[2]: row for row in body["events"]}
    assert set(rows) == {late.number, fresh.number}
    assert closed.number not in rows
    lon, lat, _number, status, category, overdue = rows[late.number]
    assert (lon, lat, status, overdue) == (round(late.lon, 6), round(late.lat, 6), "dispatched", 1)
    assert body["categories"][category] == late.category.name
    assert body["states"][status] == "已派遣"
    assert rows[fresh.number][5] == 0
    assert "private" in response["Cache-Control"]
    # One state, closed ones included when asked; a category that has none shows none.
    assert numbers(get(loop_users["dispatcher"], MAP, node="320104001", status="closed")) == {
        closed.number
    }
    assert numbers(get(loop_users["dispatcher"], MAP, node="320104001", category="01")) == set()
    assert numbers(get(loop_users["dispatcher"], MAP, node=GRID, category="0401")) == {
        late.number,
        fresh.number,
    }


def test_the_map_shows_only_what_the_caller_may_see(
    loop_users: dict[str, User], report: Report
) -> None:
    report()
    assert get(loop_users["sibling_dispatcher"], MAP, node="320104001").status_code == 404
    assert numbers(get(loop_users["sibling_dispatcher"], MAP, node="320104002")) == set()
    # A department sees the events dispatched to it only, wherever it looks.
    assert numbers(get(loop_users["handler"], MAP, node="320104")) == set()


def test_bad_filters_name_the_field(loop_users: dict[str, User], catalogue: None) -> None:
    user = loop_users["dispatcher"]
    response = get(user, MAP, node="320104001", status="nonsense", category="1")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "category"}
    response = get(user, HEAT, node="320104001", since="2026-01-02", until="2026-01-01")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["since"]
    response = get(user, HEAT, node="320104001", since="2024-01-01", until="2026-01-01")
    assert list(response.json()["errors"]) == ["since"]
    assert get(user, MAP).status_code == 400


def test_heat_counts_every_state_reported_in_the_period(
    loop_users: dict[str, User], walk: Walk
) -> None:
    walk(Status.CLOSED)
    old = walk(Status.REPORTED)
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    response = get(loop_users["dispatcher"], HEAT, node="320104001")
    assert response.status_code == 200
    body = response.json()
    assert len(body["points"]) == 1
    assert body["until"] == timezone.localdate().isoformat()
    since = (timezone.localdate() - timedelta(days=60)).isoformat()
    wider = get(loop_users["dispatcher"], HEAT, node="320104001", since=since)
    assert len(wider.json()["points"]) == 2
