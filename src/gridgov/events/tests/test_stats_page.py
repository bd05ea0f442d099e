"""The figures page: closure by level and response time over the last 30 days, scoped."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Event
from gridgov.events.workflow import Command, Status
from gridgov.jurisdiction.models import Level
from gridgov.testing.loop import Report, Walk, apply
from gridgov.testing.tree import Tree


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert found is not None, name
    return found.group(1).strip()


def share(page: str, level: int) -> str:
    found = re.search(rf'<tr data-level="{level}">.*?<td class="num share">([^<]*)<', page, re.S)
    assert found is not None, level
    return found.group(1).strip()


def test_the_figures_of_the_last_thirty_days(
    report: Report, walk: Walk, loop_users: dict[str, User], tree: Tree, as_user: Any
) -> None:
    now = timezone.now()
    for minutes in (1, 3, 10, 60):
        event = report()
        Event.objects.filter(pk=event.pk).update(reported_at=now - timedelta(minutes=minutes))
        apply(loop_users, Event.objects.get(pk=event.pk), Command.REGISTER)
    walk(Status.CLOSED)  # in the grid
    old = walk(Status.CLOSED)
    # Closed in the community, but too long ago to count.
    Event.objects.filter(pk=old.pk).update(
        owner=tree["320104001001"],
        closed_at=now - timedelta(days=31),
        reported_at=now - timedelta(days=31),
    )
    walk(Status.VERIFIED)  # registered one minute or so after its report: answered in time
    commander = as_user("commander")
    queue = commander.get("/events/?tab=all").content.decode()
    assert 'href="/events/stats/" id="stats-link"' in queue
    response = commander.get("/events/stats/")
    assert response.status_code == 200
    page = response.content.decode()
    assert share(page, Level.GRID) == "100 %"
    assert share(page, Level.COMMUNITY) == "0 %"
    assert figure(page, "count") == "5"
    assert figure(page, "within") == "60 %"
    assert figure(page, "median") == "3.0"
    assert figure(page, "p90") == "60.0"
    sibling = as_user("sibling_commander").get("/events/stats/").content.decode()
    assert figure(sibling, "none") != ""
    assert share(sibling, Level.GRID) == "0 %"


def test_a_node_inside_the_jurisdiction_or_404(walk: Walk, as_user: Any) -> None:
    walk(Status.CLOSED)
    commander = as_user("commander")
    inside = commander.get("/events/stats/", {"node": "320104002"}).content.decode()
    assert share(inside, Level.GRID) == "0 %"
    assert figure(inside, "none") != ""
    assert as_user("sibling_commander").get("/events/stats/", {"node": "320104"}).status_code == 404
    assert as_user("dispatcher").get("/events/stats/", {"node": "320104"}).status_code == 404


@pytest.mark.parametrize("name", ["grid_worker", "handler", "auditor"])
def test_roles_without_figures_are_refused(catalogue: None, as_user: Any, name: str) -> None:
    assert as_user(name).get("/events/stats/").status_code == 403
    assert 'id="stats-link"' not in as_user("grid_worker").get("/events/").content.decode()
