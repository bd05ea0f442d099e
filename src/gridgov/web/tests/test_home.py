"""Each role's home counts its work, every count opens the list that holds what it counts, and
the counts the home polls follow the work as it moves."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.events.models import Deadline
from gridgov.testing.loop import Report
from gridgov.testing.users import make_user
from gridgov.web.workbench import Figure, workbench_for

ROLES = {
    "grid_worker": "我的今日工作",
    "community_staff": "派遣台",
    "dispatcher": "派遣台",
    "commander": "指挥中心",
    "handler": "部门工作台",
    "analyst": "指标",
    "system_admin": "系统控制台",
    "security_admin": "安全控制台",
    "auditor": "审计控制台",
}


def figures(user: User) -> list[Figure]:
    bench = workbench_for(user)
    return [*bench.figures, *(row for b in bench.breakdowns for row in b.rows)]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_its_own_desk_in_chinese(busy: dict[str, User], role: str) -> None:
    page = login(Client(), busy[role]).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ROLES[role] in html
    assert 'hx-get="/home/counts"' in html


@pytest.mark.parametrize("role", ["grid_worker", "dispatcher", "commander", "handler"])
def test_every_count_opens_the_list_of_what_it_counts(busy: dict[str, User], role: str) -> None:
    client = login(Client(), busy[role])
    shown = 0
    for figure in figures(busy[role]):
        answer = client.get(figure.url)
        assert answer.status_code == 200, figure.url
        if figure.url.startswith("/events/"):
            rows = re.findall(r'<tr data-number="', answer.content.decode())
            assert len(rows) == figure.value, (figure.key, figure.url)
            shown += figure.value
    assert shown, "the busy fixture put work on every desk"


def test_the_centre_sees_duplicates_and_supervision(busy: dict[str, User]) -> None:
    dispatcher = {f.key: f.value for f in figures(busy["dispatcher"])}
    assert dispatcher["to_register"] == 2
    # Every event of the fixture is at one place: the two reported and the registered one
    # (still before dispatch, so still to merge) each have twins.
    assert dispatcher["duplicates"] == 3
    commander = {f.key: f.value for f in figures(busy["commander"])}
    assert commander["supervised"] == 1
    assert commander["intake_today"] == 7


def test_a_grid_worker_sees_their_reports_by_state(busy: dict[str, User]) -> None:
    mine = {f.key: f.value for f in figures(busy["grid_worker"])}
    assert mine["mine_reported"] == 2
    assert mine["mine_closed"] == 1
    assert mine["to_verify"] == 1


def test_the_polled_counts_follow_the_work(busy: dict[str, User], report: Report) -> None:
    client = login(Client(), busy["dispatcher"])

    def to_register() -> str:
        html = client.get("/home/counts").content.decode()
        found = re.search(r'data-count="to_register">(\d+)<', html)
        assert found is not None
        return found.group(1)

    assert to_register() == "2"
    report(description="消防通道被占用")
    assert to_register() == "3"


def test_the_header_names_the_department_of_a_handler(busy: dict[str, User]) -> None:
    html = login(Client(), busy["handler"]).get("/").content.decode()
    unit = re.search(r'id="my-unit">([^<]*)<', html)
    assert unit is not None
    assert "秦淮区消防救援大队" in unit.group(1)


def test_a_department_handler_no_longer_sees_staffing_gaps(busy: dict[str, User]) -> None:
    html = login(Client(), busy["handler"]).get("/").content.decode()
    assert "未配专职网格员的网格" not in html
    assert "未配专职网格员的网格" in login(Client(), busy["commander"]).get("/").content.decode()


def test_overdue_breakdowns_link_to_their_share(busy: dict[str, User]) -> None:
    Deadline.objects.filter(ended_at__isnull=True).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    commander = busy["commander"]
    bench = workbench_for(commander)
    by_node, by_department = bench.breakdowns
    overdue = next(f.value for f in bench.figures if f.key == "overdue")
    assert overdue >= 5
    assert [(f.label, f.value) for f in by_node.rows] == [("秦淮区北街道", overdue)]
    assert [f.label for f in by_department.rows] == ["秦淮区消防救援大队"]
    client = login(Client(), commander)
    for figure in [*by_node.rows, *by_department.rows]:
        rows = re.findall(r'<tr data-number="', client.get(figure.url).content.decode())
        assert len(rows) == figure.value


def test_a_desk_is_counted_once_for_everyone_at_it(
    busy: dict[str, User], report: Report, settings: Any, tree: Any
) -> None:
    """Two dispatchers of one subdistrict share one count until it expires; another
    subdistrict's dispatcher has a desk of their own."""
    settings.GRIDGOV_WORKBENCH_SECONDS = 30
    cache.clear()
    colleague = make_user("sd3", Role.SUBDISTRICT_DISPATCHER, node=tree["320104001"])
    first = workbench_for(busy["dispatcher"])
    report(description="消防通道被占用")
    assert workbench_for(colleague) is not None
    shared = {f.key: f.value for f in workbench_for(colleague).figures}
    assert shared["to_register"] == {f.key: f.value for f in first.figures}["to_register"] == 2
    other = {f.key: f.value for f in workbench_for(busy["sibling_dispatcher"]).figures}
    assert other["to_register"] == 0
    cache.clear()
    assert {f.key: f.value for f in workbench_for(colleague).figures}["to_register"] == 3
