"""The campaign API end to end over HTTP: define, push, answer, count, import calls."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.campaigns.actions import answer_submit
from gridgov.campaigns.catalogue import TEMPLATES
from gridgov.campaigns.models import Target
from gridgov.campaigns.tests.conftest import GRIDS, phone_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns"


def test_define_push_answer_and_count(
    client_for: Any, registry_rows: None, django_capture_on_commit_callbacks: Any
) -> None:
    centre = client_for("dispatcher")
    templates = centre.get(f"{URL}/templates").json()
    assert {t["code"] for t in templates} == set(TEMPLATES)
    epidemic = TEMPLATES["epidemic_screening"]
    body = {
        "title": epidemic.title,
        "instructions": epidemic.instructions,
        "form": epidemic.form,
        "target_kind": epidemic.target_kind,
        "target_category": epidemic.target_category,
        "areas": ["320104001"],
        "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "template": epidemic.code,
    }
    created = centre.post(URL, body, content_type="application/json")
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert campaign["status"] == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        pushed = centre.post(
            f"{URL}/{campaign['id']}/push",
            {"expected_version": campaign["version"]},
            content_type="application/json",
        )
    assert pushed.status_code == 200, pushed.content
    assert centre.get(f"{URL}/{campaign['id']}").json()["status"] == "running"

    worker = client_for("grid_worker")
    targets = worker.get(f"{URL}/{campaign['id']}/targets?state=open").json()["items"]
    assert len(targets) == 3
    bad = worker.post(
        f"{URL}/targets/{targets[0]['id']}/answer",
        {"values": {"at_home": True, "symptoms": ["发烧"], "temperature": 50}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"symptoms", "temperature"}
    good = worker.post(
        f"{URL}/targets/{targets[0]['id']}/answer",
        {
            "values": {"at_home": True, "symptoms": ["无"], "temperature": 36.6},
            "lon": 118.1,
            "lat": 31.7,
        },
        content_type="application/json",
    )
    assert good.status_code == 201, good.content
    assert good.json()["values"]["temperature"] == 36.6
    again = worker.post(
        f"{URL}/targets/{targets[0]['id']}/answer",
        {"values": {"at_home": False}},
        content_type="application/json",
    )
    assert again.status_code == 409

    counts = centre.get(f"{URL}/{campaign['id']}/grids").json()
    assert [(c["code"], c["done"], c["undone"]) for c in counts] == [
        (GRIDS[0], 1, 2),
        (GRIDS[1], 0, 3),
    ]
    assert [c["code"] for c in worker.get(f"{URL}/{campaign['id']}/grids").json()] == [GRIDS[0]]
    tallies = {t["name"]: t for t in centre.get(f"{URL}/{campaign['id']}/tabulation").json()}
    assert dict(tallies["symptoms"]["options"])["无"] == 1

    calls = SimpleUploadedFile(
        "calls.csv",
        (
            f"电话,结果,时间\n{phone_of(4)},已排查,2026-12-07 10:00\n"
            "13900000000,已排查,2026-12-07 10:00\n"
        ).encode(),
        content_type="text/csv",
    )
    imported = centre.post(f"{URL}/{campaign['id']}/calls", {"file": calls})
    assert imported.status_code == 201, imported.content
    assert imported.json()["reached"] == 1
    assert [line["line"] for line in imported.json()["unknown"]] == [3]
    assert len(centre.get(f"{URL}/{campaign['id']}/calls").json()) == 1
    assert Target.objects.unscoped().filter(state="open").count() == 4


def test_a_worker_may_not_define_and_a_sibling_sees_nothing(client_for: Any, running: Any) -> None:
    refused = client_for("grid_worker").post(
        URL,
        {
            "title": "x",
            "form": {"fields": []},
            "target_kind": "homes",
            "areas": [],
            "due_at": "2030-01-01T00:00:00+08:00",
        },
        content_type="application/json",
    )
    assert refused.status_code == 403
    sibling = client_for("sibling_dispatcher")
    assert sibling.get(f"{URL}/{running.pk}").status_code == 404
    assert sibling.get(URL).json()["items"] == []


def test_answers_export_to_excel_with_each_answers_version(
    client_for: Any, running: Any, users: Any
) -> None:
    target = Target.objects.unscoped().filter(campaign=running, grid__code=GRIDS[0]).first()
    assert target is not None
    answer_submit(
        actor=users["grid_worker"], target_id=target.pk, data={"at_home": "yes", "count": "2"}
    )
    response = client_for("dispatcher").get(
        f"/exports/lists/campaigns.answers?campaign={running.pk}&format=xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert "常住人数: 2" in str(rows[1][-1])
    counts = client_for("dispatcher").get(
        f"/exports/lists/campaigns.grids?campaign={running.pk}&format=csv"
    )
    assert counts.status_code == 200
    assert "1" in counts.content.decode()
