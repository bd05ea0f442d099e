"""The pages and the API through real HTTP: the panorama, notices, the monthly data entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.insight.models import FigureKind, Index, MonthlyFigure, NoticeStatus, PromptNotice
from gridgov.insight.tests.conftest import put
from gridgov.testing.insight import make_target_notice
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

NOV = date(2026, 11, 1)


def _figures(tree: Tree) -> None:
    put(tree, "320104", NOV, closure_rate=75.0)
    put(tree, "320104001", NOV, closure_rate=90.0)
    put(tree, "320104002", NOV, closure_rate=60.0)


def test_panorama_page_shows_the_children_by_the_measure(
    tree: Tree, client_for: Any, index: Index
) -> None:
    _figures(tree)
    page = client_for("commander").get("/insight/?measure=closure_rate&month=2026-11")
    assert page.status_code == 200
    body = page.content.decode()
    assert "秦淮区北街道" in body
    assert "90.0" in body
    assert 'href="/insight/areas/320104001/?measure=closure_rate&amp;month=2026-11"' in body


def test_panorama_api_gives_classes_best_first(tree: Tree, client_for: Any) -> None:
    _figures(tree)
    answer = client_for("commander").get(
        "/api/v1/insight/panorama?code=320104&measure=closure_rate&month=2026-11-01"
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["own"] == 75.0
    tones = {a["code"]: a["tone"] for a in data["areas"]}
    # Higher is better: the higher closure rate has the better (lower) tone.
    assert tones["320104001"] < tones["320104002"]
    assert data["trend"] == [{"month": "2026-11-01", "value": 75.0}]


def test_a_grid_worker_has_no_panorama(client_for: Any) -> None:
    assert client_for("grid_worker").get("/insight/").status_code == 403


def test_notice_page_issues_and_the_area_replies(
    tree: Tree, users: dict[str, User], client_for: Any
) -> None:
    pk = make_target_notice("320104001")
    commander = client_for("commander")
    page = commander.get(f"/insight/notices/{pk}/")
    assert "issue" in page.content.decode()
    commander.post(f"/insight/notices/{pk}/", {"command": "issue"})
    assert PromptNotice.objects.unscoped().get(pk=pk).status == NoticeStatus.ISSUED
    answer = client_for("dispatcher").post(
        f"/api/v1/insight/notices/{pk}/reply", {"measures": "加强夜间巡逻"},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["status"] == NoticeStatus.REPLIED
    again = client_for("dispatcher").post(
        f"/api/v1/insight/notices/{pk}/reply", {"measures": "x"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_monthly_entry_keeps_nothing_until_the_outlier_is_confirmed(
    tree: Tree, client: Any
) -> None:
    police = Department.objects.create(code="320104-ga", name="公安分局", node=tree["320104"])
    kind = FigureKind.objects.get(code="crime_rate")
    kind.departments.add(police)
    handler = make_user("ga", Role.DEPARTMENT_HANDLER, department=police)
    client.force_login(handler, backend="gridgov.accounts.backends.RoleBackend")
    page = client.get("/insight/figures/?month=2026-11")
    assert "秦淮区北街道" in page.content.decode()
    form = {"month": "2026-11", "v-crime_rate-320104001": "3", "v-crime_rate-320104002": "99"}
    refused = client.post("/insight/figures/", form)
    assert refused.status_code == 200
    assert 'name="confirm"' in refused.content.decode()
    assert not MonthlyFigure.objects.unscoped().exists()
    saved = client.post("/insight/figures/", {**form, "confirm": "on"})
    assert saved.status_code == 302
    assert MonthlyFigure.objects.unscoped().count() == 2


def test_indices_api_lists_the_shipped_definitions(client_for: Any) -> None:
    answer = client_for("analyst").get("/api/v1/insight/indices")
    assert answer.status_code == 200
    by_code = {i["code"]: i for i in answer.json()}
    assert {"safety", "work_orders", "environment"} <= set(by_code)
    assert sum(c["weight"] for c in by_code["work_orders"]["components"]) == 100
