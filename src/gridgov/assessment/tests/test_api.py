from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.assessment.actions import indicators_rebuild
from gridgov.assessment.models import HandlingScore, IndicatorDaily, UnitKind
from gridgov.assessment.tests.conftest import DAY, SUBDISTRICT, History
from gridgov.conftest import login
from gridgov.jurisdiction.models import Node

URL = "/api/v1/assessment"
MONTH = "2026-11-01"


@pytest.fixture
def built(history: History) -> History:
    indicators_rebuild(actor=None, day_from=DAY, day_to=DAY)
    return history


def client(history: History, name: str) -> Client:
    return login(Client(), history.people[name])


def by_code(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["indicator"]: v for v in body["indicators"]}


def test_scorecard_of_a_level_for_a_month(built: History) -> None:
    answer = client(built, "commander").get(
        f"{URL}/scorecards",
        {"unit": "node", "code": SUBDISTRICT, "period": "month", "start": MONTH},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["period"] == {"kind": "month", "start": "2026-11-01", "last": "2026-11-30"}
    values = {k: (v["numerator"], v["denominator"]) for k, v in by_code(body).items()}
    assert values == {
        "timely_registration": (4, 5),
        "timely_dispatch": (3, 3),
        "accurate_dispatch": (2, 3),
        "timely_handling": (2, 3),
        "closure_rate": (3, 5),
        "on_time_closure": (2, 3),
        "rework_rate": (1, 3),
        "satisfaction": (4, 1),
        "centre_score": (5, 1),
        "whistle_timeliness": (0, 0),
        "whistle_rating": (0, 0),
    }
    assert by_code(body)["closure_rate"]["value"] == pytest.approx(0.6)
    # No summonses: no value, not 0 %.
    assert by_code(body)["whistle_timeliness"]["value"] is None
    assert "÷" in by_code(body)["closure_rate"]["formula"]


def test_a_quarter_sums_its_days_and_an_empty_day_has_no_values(built: History) -> None:
    c = client(built, "dispatcher")
    quarter = c.get(
        f"{URL}/scorecards",
        {"code": SUBDISTRICT, "period": "quarter", "start": "2026-10-01"},
    ).json()
    assert by_code(quarter)["closure_rate"]["numerator"] == 3
    empty = c.get(
        f"{URL}/scorecards", {"code": SUBDISTRICT, "period": "day", "start": "2026-11-03"}
    ).json()
    assert all(v["value"] is None and v["denominator"] == 0 for v in empty["indicators"])


def test_department_scorecard_for_its_handler_only(built: History) -> None:
    query = {"unit": "department", "code": "320104-fire", "period": "month", "start": MONTH}
    own = client(built, "handler").get(f"{URL}/scorecards", query)
    assert own.status_code == 200
    assert by_code(own.json())["timely_handling"]["denominator"] == 3
    assert client(built, "urban_handler").get(f"{URL}/scorecards", query).status_code == 404
    node = {"code": SUBDISTRICT, "period": "month", "start": MONTH}
    assert client(built, "handler").get(f"{URL}/scorecards", node).status_code == 404


@pytest.mark.parametrize(
    ("name", "code"),
    [("sibling_dispatcher", SUBDISTRICT), ("sibling_commander", "320104"), ("dispatcher", "3201")],
)
def test_scorecard_outside_the_jurisdiction_is_not_found(
    built: History, name: str, code: str
) -> None:
    answer = client(built, name).get(
        f"{URL}/scorecards", {"code": code, "period": "month", "start": MONTH}
    )
    assert answer.status_code == 404
    assert answer.json()["code"] == "node_not_found"


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"period": "week", "start": MONTH}, "period", "unknown_period"),
        ({"period": "month", "start": "2026-11-02"}, "start", "bad_start"),
        ({"period": "quarter", "start": "2026-11-01"}, "start", "bad_start"),
        ({"period": "month", "start": MONTH, "unit": "person"}, "unit", "unknown_unit"),
    ],
)
def test_bad_scorecard_input_is_422(
    built: History, query: dict[str, str], field: str, code: str
) -> None:
    answer = client(built, "commander").get(f"{URL}/scorecards", {"code": SUBDISTRICT, **query})
    assert answer.status_code == 422
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [(field, code)]


def test_unparseable_date_is_422(built: History) -> None:
    answer = client(built, "commander").get(
        f"{URL}/scorecards", {"code": SUBDISTRICT, "period": "day", "start": "2026-13-01"}
    )
    assert answer.status_code == 422


def test_ranking_of_subdistricts_best_first(built: History) -> None:
    answer = client(built, "commander").get(
        f"{URL}/rankings",
        {
            "unit": "node",
            "level": "3",
            "indicator": "closure_rate",
            "period": "month",
            "start": MONTH,
        },
    )
    assert answer.status_code == 200, answer.content
    rows = answer.json()["rows"]
    assert [(r["rank"], r["unit"]["code"]) for r in rows] == [(1, SUBDISTRICT), (None, "320104002")]
    assert rows[0]["value"]["numerator"] == 3


def test_rework_ranks_the_lowest_first(history: History) -> None:
    """Equal values share a rank; the lower rework rate is the better one."""
    for code, reworked in (("320104001", 3), ("320104002", 1), ("320105001", 1), ("320105002", 1)):
        IndicatorDaily.objects.create(
            day=DAY,
            unit_kind=UnitKind.NODE,
            node=Node.objects.get(code=code),
            handled=4,
            reworked=reworked,
        )
    rows = (
        client(history, "analyst")
        .get(
            f"{URL}/rankings",
            {"level": "3", "indicator": "rework_rate", "period": "day", "start": DAY.isoformat()},
        )
        .json()["rows"]
    )
    assert [(r["rank"], r["unit"]["code"]) for r in rows] == [
        (1, "320104002"),
        (1, "320105001"),
        (1, "320105002"),
        (4, "320104001"),
    ]


def test_ranking_of_departments_and_scope(built: History) -> None:
    query = {
        "unit": "department",
        "indicator": "timely_handling",
        "period": "month",
        "start": MONTH,
    }
    rows = client(built, "commander").get(f"{URL}/rankings", query).json()["rows"]
    assert [(r["rank"], r["unit"]["code"]) for r in rows] == [
        (1, "320104-fire"),
        (None, "320104-urban"),
    ]
    assert client(built, "sibling_commander").get(f"{URL}/rankings", query).json()["rows"] == []
    inside = client(built, "sibling_commander").get(
        f"{URL}/rankings", {**query, "unit": "node", "level": "3", "within": "320104"}
    )
    assert inside.status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"indicator": "happiness", "level": "3"}, "indicator"),
        ({"indicator": "closure_rate"}, "level"),
        ({"indicator": "closure_rate", "level": 9}, "level"),
    ],
)
def test_bad_ranking_input_is_422(built: History, query: dict[str, Any], field: str) -> None:
    answer = client(built, "commander").get(
        f"{URL}/rankings", {"period": "month", "start": MONTH, **query}
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [field]


def test_post_handling_score(built: History) -> None:
    number = built.events["e3"].number
    c = client(built, "commander")
    answer = c.post(
        f"{URL}/events/{number}/handling-score",
        {"score": 4, "comment": "处置及时"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["score"] == 4
    again = c.post(
        f"{URL}/events/{number}/handling-score", {"score": 4}, content_type="application/json"
    )
    assert again.status_code == 409
    bad = c.post(
        f"{URL}/events/{built.events['e1'].number}/handling-score",
        {"score": 9},
        content_type="application/json",
    )
    assert bad.status_code == 422
    outside = client(built, "sibling_commander").post(
        f"{URL}/events/{number}/handling-score", {"score": 4}, content_type="application/json"
    )
    assert outside.status_code == 404
    assert HandlingScore.objects.count() == 2
