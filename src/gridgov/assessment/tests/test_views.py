from __future__ import annotations

import pytest
from django.test import Client

from gridgov.assessment.actions import indicators_rebuild
from gridgov.assessment.tests.conftest import DAY, SUBDISTRICT, History
from gridgov.conftest import login


@pytest.fixture
def built(history: History) -> History:
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    return history


def client(history: History, name: str) -> Client:
    return login(Client(), history.people[name])


def test_scorecard_page_shows_values_and_formulas(built: History) -> None:
    page = client(built, "dispatcher").get(
        "/assessment/", {"period": "month", "start": "2026-11-01"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert built.people["dispatcher"].node.name in html
    # Closure rate 3 ÷ 5, shown as a percentage, with its formula as a title.
    assert "60.0 %" in html
    assert html.count('<abbr title="') == 10
    assert "—" in html  # whistle timeliness: nothing to measure


def test_department_handler_lands_on_their_department(built: History) -> None:
    page = client(built, "handler").get("/assessment/", {"start": "2026-11-01"})
    assert page.status_code == 200
    assert built.people["brigade"].name in page.content.decode()


def test_scorecard_page_outside_scope_is_404(built: History) -> None:
    page = client(built, "sibling_dispatcher").get("/assessment/", {"code": SUBDISTRICT})
    assert page.status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"period": "week"}, {"start": "2026-11-31"}, {"period": "quarter", "start": "2026-11-01"}],
)
def test_scorecard_page_bad_input_is_422(built: History, query: dict[str, str]) -> None:
    page = client(built, "dispatcher").get("/assessment/", query)
    assert page.status_code == 422


def test_ranking_page(built: History) -> None:
    page = client(built, "commander").get(
        "/assessment/ranking/",
        {"indicator": "closure_rate", "period": "month", "start": "2026-11-01"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("秦淮区北街道") < html.index("秦淮区南街道")
    assert "/assessment/?unit=node&amp;code=320104001&amp;period=month" in html


def test_ranking_page_within_a_sibling_is_404(built: History) -> None:
    page = client(built, "dispatcher").get(
        "/assessment/ranking/", {"level": "4", "within": "320104002"}
    )
    assert page.status_code == 404


def test_login_required(db: None) -> None:
    assert Client().get("/assessment/").status_code == 302
