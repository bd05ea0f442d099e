"""The index editor through the test client: the city's commander changes weights, gets the
refusal named by its field when they miss 100, and nobody else may open it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.insight.models import Index
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user


def _form(index: Index, **weights: str) -> dict[str, Any]:
    rows = list(index.components.all())
    data: dict[str, Any] = {"rows": len(rows), "name": index.name, "levels": ["3"]}
    for n, c in enumerate(rows):
        data |= {
            f"c-{n}-measure": c.measure,
            f"c-{n}-direction": c.direction,
            f"c-{n}-weight": weights.get(c.measure.replace(":", "__"), f"{c.weight:g}"),
            f"c-{n}-normalisation": c.normalisation,
            f"c-{n}-low": "" if c.low is None else c.low,
            f"c-{n}-high": "" if c.high is None else c.high,
        }
    return data


def test_weights_missing_100_are_refused_by_field_then_saved(
    tree: Tree, client_for: Any, index: Index
) -> None:
    client = login(Client(), make_user("cc", Role.DISTRICT_COMMANDER, node=tree["3201"]))
    url = f"/insight/indices/{index.code}/"
    assert index.name in client.get("/insight/indices/").content.decode()
    page = client.post(url, _form(index, closure_rate="40")).content.decode()
    refused = page.split('id="index-errors"')[1].split("</section>")[0]
    assert "<code>权重</code>" in refused
    assert "90" in refused
    assert index.components.get(measure="closure_rate").weight == 50
    saved = client.post(url, _form(index, closure_rate="40", events_per_1000="40"))
    assert saved.status_code == 302
    assert index.components.get(measure="events_per_1000").weight == 40
    assert client_for("commander").get(url).status_code == 403
    assert client_for("commander").get("/insight/indices/").status_code == 403


def test_the_api_defines_an_index_whole_or_not_at_all(
    tree: Tree, client_for: Any, index: Index
) -> None:
    client = login(Client(), make_user("cc", Role.DISTRICT_COMMANDER, node=tree["3201"]))
    body = {
        "name": "平安稳定指数",
        "levels": [3],
        "components": [
            {"measure": "closure_rate", "direction": "higher", "weight": 60,
             "normalisation": "range", "low": 0, "high": 100},
            {"measure": "events_per_1000", "direction": "lower", "weight": 30,
             "normalisation": "peers"},
        ],
    }  # fmt: skip
    url = f"/api/v1/insight/indices/{index.code}"
    refused = client.put(url, body, content_type="application/json")
    assert refused.status_code == 422
    assert [e["code"] for e in refused.json()["errors"]] == ["weights_sum"]
    assert index.components.count() == 3
    body["components"][1]["weight"] = 40  # type: ignore[index]
    saved = client.put(url, body, content_type="application/json")
    assert saved.status_code == 200
    assert [c["weight"] for c in saved.json()["components"]] == [60, 40]
    denied = client_for("commander").put(url, body, content_type="application/json")
    assert denied.status_code == 403
