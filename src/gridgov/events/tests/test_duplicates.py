"""Duplicate suggestions at intake, and merging a duplicate into its master."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.core.errors import InvalidInput
from gridgov.events.models import Event
from gridgov.events.selectors import distance_m, duplicate_candidates
from gridgov.events.workflow import Command, Status, commands_open
from gridgov.testing.loop import Report, Walk, apply
from gridgov.testing.tree import HERE

BASE = "/api/v1/events"
# About 55 m and 220 m north of HERE.
NEAR = (HERE[0], HERE[1] + 0.0005)
FAR = (HERE[0], HERE[1] + 0.002)


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def test_distance() -> None:
    assert distance_m(*HERE, *NEAR) == pytest.approx(55.6, abs=0.5)
    assert distance_m(*HERE, *FAR) == pytest.approx(222.4, abs=0.5)


def test_candidates_are_open_same_category_near_and_recent(
    report: Report, walk: Walk, loop_users: dict[str, User], settings: Any
) -> None:
    first = report()
    other_category = report(category_code="0402", extra={})
    far = report(lon=FAR[0], lat=FAR[1])
    closed = walk(Status.CLOSED)
    old = report()
    Event.objects.filter(pk=old.pk).update(reported_at=timezone.now() - timedelta(hours=73))
    new = report(lon=NEAR[0], lat=NEAR[1])
    dispatcher = loop_users["dispatcher"]
    assert duplicate_candidates(dispatcher, new) == [first]
    assert duplicate_candidates(loop_users["sibling_dispatcher"], new) == []
    settings.EVENT_DUPLICATE_RADIUS_M = 300
    settings.EVENT_DUPLICATE_HOURS = 100
    assert set(duplicate_candidates(dispatcher, new)) == {first, far, old}
    assert other_category not in duplicate_candidates(dispatcher, new)
    assert closed not in duplicate_candidates(dispatcher, new)


def test_the_report_answer_lists_candidates(report: Report, as_user: Any) -> None:
    first = report()
    answer = as_user("grid_worker").post(
        BASE,
        {
            "category": "0401",
            "description": "同一处飞线充电",
            "lon": NEAR[0],
            "lat": NEAR[1],
            "extra": {"building": "3栋"},
        },
        content_type="application/json",
    )
    assert answer.status_code == 201
    [candidate] = answer.json()["duplicate_candidates"]
    assert candidate["number"] == first.number
    assert candidate["distance_m"] == pytest.approx(55.6, abs=0.5)
    later = as_user("dispatcher").get(f"{BASE}/{answer.json()['number']}/duplicates").json()
    assert [c["number"] for c in later] == [first.number]


def test_a_merged_duplicate_follows_its_master(
    report: Report, loop_users: dict[str, User], as_user: Any
) -> None:
    master = report()
    duplicate = report(lon=NEAR[0], lat=NEAR[1])
    client = as_user("dispatcher")
    answer = client.post(
        f"{BASE}/{duplicate.number}/commands/merge",
        {"expected_version": 1, "payload": {"master": master.number}},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["status"], body["master"], body["effective_status"]) == (
        "merged",
        master.number,
        "reported",
    )
    assert body["allowed_commands"] == []
    apply(loop_users, master, Command.REGISTER)
    body = client.get(f"{BASE}/{duplicate.number}").json()
    assert (body["status"], body["effective_status"]) == ("merged", "registered")
    duplicate.refresh_from_db()
    assert duplicate.merged_at is not None
    assert not duplicate.deadlines.filter(ended_at__isnull=True).exists()
    assert list(master.duplicates.all()) == [duplicate]


@pytest.mark.parametrize("target", ["self", "unknown", "closed", "outside"])
def test_merge_needs_another_open_event_in_sight(
    target: str, report: Report, walk: Walk, loop_users: dict[str, User], tree: Any
) -> None:
    duplicate = report()
    makers: dict[str, Callable[[], Event | None]] = {
        "self": lambda: duplicate,
        "unknown": lambda: None,
        "closed": lambda: walk(Status.CLOSED),
        "outside": lambda: report(actor=loop_users["sibling_commander"], lon=118.8, lat=31.7),
    }
    master = makers[target]()
    number = master.number if master is not None else "SJ00000000000000"
    with pytest.raises(InvalidInput) as refused:
        apply(loop_users, duplicate, Command.MERGE, payload={"master": number})
    assert refused.value.problems[0].code == "bad_master"
    duplicate.refresh_from_db()
    assert duplicate.status == Status.REPORTED
    assert duplicate.master is None


def test_merge_is_only_for_cases_not_yet_worked_on(walk: Walk) -> None:
    assert Command.MERGE in commands_open(walk(Status.REGISTERED))
    assert Command.MERGE not in commands_open(walk(Status.DISPATCHED))
