"""The pages: a centre defines from a template and pushes; a worker answers on the phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.campaigns.actions import answer_submit
from gridgov.campaigns.models import Campaign, Target, TargetState
from gridgov.campaigns.tests.conftest import GRIDS, phone_of

pytestmark = pytest.mark.django_db


def _rows(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def test_a_centre_defines_from_rows_and_pushes(
    client_for: Any, registry_rows: None, django_capture_on_commit_callbacks: Any
) -> None:
    centre = client_for("dispatcher")
    page = centre.get("/campaigns/new/?template=census_check")
    assert page.status_code == 200
    assert "人口普查入户核查" in page.content.decode()
    body = {
        "title": "住户核查",
        "instructions": "逐户",
        "target_kind": "homes",
        "target_category": "",
        "areas": ["320104001"],
        "due_at": "2030-01-01T10:00",
        **_rows(
            "f",
            [
                {"label": "是否有人", "type": "yes_no", "required": "on"},
                {
                    "label": "人数",
                    "type": "number",
                    "required": "on",
                    "show_if_field": "1",
                    "show_if_values": "是",
                },
                {"label": "", "type": "text"},
            ],
        ),
    }
    response = centre.post("/campaigns/new/", body)
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.unscoped().get()
    assert campaign.versions.get().definition["fields"][1]["show_if"] == {
        "field": "q1",
        "in": [True],
    }
    with django_capture_on_commit_callbacks(execute=True):
        pushed = centre.post(f"/campaigns/{campaign.pk}/push/")
    assert pushed.status_code == 302
    detail = centre.get(f"/campaigns/{campaign.pk}/")
    assert "进行中" in detail.content.decode()
    assert Target.objects.unscoped().filter(campaign=campaign).count() == 4


def test_a_bad_form_is_shown_again_with_its_problems(client_for: Any, registry_rows: None) -> None:
    body = {
        "title": "x",
        "target_kind": "homes",
        "areas": ["320104001"],
        "due_at": "2030-01-01T10:00",
        **_rows("f", [{"label": "选一个", "type": "choice", "choices": "只有一个"}]),
    }
    response = client_for("dispatcher").post("/campaigns/new/", body)
    assert response.status_code == 422
    assert not Campaign.objects.unscoped().exists()


def test_a_worker_answers_on_the_phone(client_for: Any, running: Campaign) -> None:
    worker = client_for("grid_worker")
    detail = worker.get(f"/campaigns/{running.pk}/").content.decode()
    target = Target.objects.unscoped().filter(campaign=running, grid__code=GRIDS[0]).first()
    assert target is not None
    assert f"/campaigns/targets/{target.pk}/" in detail
    page = worker.get(f"/campaigns/targets/{target.pk}/")
    assert 'data-show-field="at_home"' in page.content.decode()
    refused = worker.post(f"/campaigns/targets/{target.pk}/", {"at_home": "yes"})
    assert refused.status_code == 422
    assert "这个字段是必填项。" in refused.content.decode()
    saved = worker.post(f"/campaigns/targets/{target.pk}/", {"at_home": "yes", "count": "2"})
    assert saved.status_code == 302
    target.refresh_from_db()
    assert target.state == TargetState.VISITED
    counts = client_for("dispatcher").get(f"/campaigns/{running.pk}/counts").content.decode()
    assert "33%" in counts


def test_questions_changed_on_the_page_after_an_answer_are_a_new_version(
    client_for: Any, running: Campaign, users: Any
) -> None:
    target = Target.objects.unscoped().filter(campaign=running, grid__code=GRIDS[0]).first()
    assert target is not None
    answer_submit(actor=users["grid_worker"], target_id=target.pk, data={"at_home": "no"})
    centre = client_for("dispatcher")
    page = centre.get(f"/campaigns/{running.pk}/form/")
    assert "常住人数" in page.content.decode()
    rows = [
        {"name": "at_home", "label": "是否在住", "type": "yes_no", "required": "on"},
        {"name": "pets", "label": "宠物", "type": "yes_no"},
    ]
    saved = centre.post(f"/campaigns/{running.pk}/form/", _rows("f", rows))
    assert saved.status_code == 302
    assert [v.number for v in running.versions.all()] == [2, 1]


def test_the_call_robot_file_is_imported_from_the_page(client_for: Any, running: Campaign) -> None:
    upload = SimpleUploadedFile(
        "calls.csv", f"电话,结果,时间\n{phone_of(1)},已排查,2026-12-07 09:00\n".encode()
    )
    centre = client_for("dispatcher")
    response = centre.post(f"/campaigns/{running.pk}/calls/", {"file": upload}, follow=True)
    assert "已联系到 1 人" in response.content.decode()
    assert client_for("grid_worker").post(f"/campaigns/{running.pk}/calls/").status_code == 403
