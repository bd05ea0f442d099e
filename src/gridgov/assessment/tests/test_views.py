from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.assessment.actions import indicators_rebuild
from gridgov.assessment.models import HandlingScore
from gridgov.assessment.tests.conftest import DAY, SUBDISTRICT, History
from gridgov.conftest import login
from gridgov.whistle.models import Reason, Summons, Whistle


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
    assert html.count('<abbr title="') == 11
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


def test_the_centre_scores_from_the_page(built: History) -> None:
    number = built.events["e3"].number
    c = client(built, "dispatcher")
    assert c.get(f"/assessment/events/{number}/score/").status_code == 200
    answer = c.post(f"/assessment/events/{number}/score/", {"score": "4", "comment": "及时"})
    assert answer.status_code == 302
    page = c.get(answer["Location"]).content.decode()
    assert "4 / 5" in page
    assert "及时" in page


def test_scoring_an_open_event_from_the_page_is_refused(built: History) -> None:
    number = built.events["e5"].number
    answer = client(built, "dispatcher").post(f"/assessment/events/{number}/score/", {"score": "4"})
    assert answer.status_code == 409
    assert not HandlingScore.objects.filter(event=built.events["e5"]).exists()


def test_a_bad_score_from_the_page_shows_the_form_again(built: History) -> None:
    number = built.events["e3"].number
    answer = client(built, "dispatcher").post(f"/assessment/events/{number}/score/", {"score": "9"})
    assert answer.status_code == 200
    assert not HandlingScore.objects.filter(event=built.events["e3"]).exists()


def test_scoring_page_outside_scope_is_404(built: History) -> None:
    number = built.events["e3"].number
    answer = client(built, "sibling_commander").get(f"/assessment/events/{number}/score/")
    assert answer.status_code == 404


def test_department_scorecard_shows_its_own_cohorts_and_whistle_ratings(history: History) -> None:
    people = history.people
    due = timezone.make_aware(datetime.combine(DAY, time(15, 0)))
    for event, rating in ((history.events["e5"], 4), (history.events["e2"], 5)):
        whistle = Whistle.objects.create(
            event=event,
            reason=Reason.SEVERAL_DEPARTMENTS,
            node=people["dispatcher"].node,
            blown_by=people["dispatcher"],
            blown_at=due - timedelta(hours=2),
        )
        Summons.objects.create(
            whistle=whistle,
            department=people["brigade"],
            report_due_at=due,
            reported_at=due - timedelta(minutes=5),
            rating=rating,
            rated_by=people["dispatcher"],
            rated_at=due + timedelta(days=1),
        )
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    page = client(history, "handler").get("/assessment/", {"start": "2026-11-01"})
    html = page.content.decode()
    rows = {
        label: cells
        for label, cells in re.findall(
            r'<abbr title="[^"]*">([^<]+)</abbr></th>\s*((?:<td[^>]*>[^<]*</td>\s*){3})', html
        )
    }
    values = {label: re.findall(r">([^<]*)</td>", cells) for label, cells in rows.items()}
    # Only the indicators whose counts a department keeps; none reads a level's work.
    assert "及时立案率" not in values
    assert "准确派遣率" not in values
    # Closure rate over the brigade's own report cohort: e1 and e2, both closed.
    assert values["结案率"] == ["100.0 %", "2", "2"]
    assert values["吹哨报到及时率"] == ["100.0 %", "2", "2"]
    assert values["吹哨报到评价"] == ["4.50", "9", "2"]
