from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.inspections.models import Inspection, Venue
from gridgov.testing.images import PNG

API = "/api/v1/inspections"
ITEMS = ("extinguisher", "exit", "wiring", "no_living", "no_charging")


def test_an_administrator_publishes_a_new_version(kinds: None, client_for: Any) -> None:
    admin = client_for("system_admin")
    response = admin.post(
        f"{API}/kinds/small_shop/checklists",
        {"items": [{"code": "extinguisher", "text": "灭火器在有效期内"}]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    listed = {k["code"]: k for k in admin.get(f"{API}/kinds").json()}
    assert listed["small_shop"]["checklist_version"] == 2
    refused = client_for("dispatcher").put(
        f"{API}/kinds/small_shop",
        {"name": "小商店", "target": "organisation"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_flag_inspect_with_photos_and_read_the_ledger(
    due: Inspection, shop: Venue, client_for: Any
) -> None:
    worker = client_for("grid_worker")
    listed = worker.get(f"{API}/inspections").json()["items"]
    assert [i["id"] for i in listed] == [due.pk]
    detail = worker.get(f"{API}/inspections/{due.pk}").json()
    assert detail["checklist_version"] == 1
    assert [i["code"] for i in detail["to_answer"]] == list(ITEMS)
    data = {
        "answers": [{"code": c, "passed": c != "extinguisher", "note": ""} for c in ITEMS],
        "checklist_version": 1,
        "lon": 118.1,
        "lat": 31.7,
    }
    response = worker.post(
        f"{API}/inspections/{due.pk}/result/with-photos",
        {
            "data": json.dumps(data),
            "photos": [SimpleUploadedFile("p.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["passed"] is False
    again = worker.post(f"{API}/inspections/{due.pk}/result", data, content_type="application/json")
    assert again.status_code == 409
    rects = worker.get(f"{API}/rectifications?status=open").json()["items"]
    assert [r["item_code"] for r in rects] == ["extinguisher"]
    ledger = client_for("dispatcher").get(f"{API}/ledger").json()
    assert ledger["total"]["found"] == 1
    assert ledger["total"]["rate"] == 0
    assert ledger["children"][0]["node"]["code"] == "320104001001"


def test_bad_answers_are_named(due: Inspection, client_for: Any) -> None:
    response = client_for("grid_worker").post(
        f"{API}/inspections/{due.pk}/result",
        {"answers": [{"code": "exit", "passed": True}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert {p["item"] for p in response.json()["errors"]} == set(ITEMS) - {"exit"}
