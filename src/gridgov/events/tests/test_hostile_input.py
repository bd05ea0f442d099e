"""Input an attacker sends gets a 4xx naming what is wrong, never a 500 (issue 8, item 9).

Through real HTTP: the API answers JSON, Open311 its error list, pages a page in Chinese. The
NUL cases failed only on PostgreSQL, which refuses NUL in text; they run there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Event
from gridgov.events.tests.test_intake import report_body
from gridgov.testing.images import JPEG

BASE = "/api/v1/events"


@pytest.fixture
def worker(loop_users: dict[str, User]) -> Client:
    return login(Client(raise_request_exception=False), loop_users["grid_worker"])


def test_a_body_over_the_limit_is_413_json(catalogue: None, worker: Client) -> None:
    body = json.dumps(report_body(description="飞" * (3 << 20)))
    answer = worker.post(BASE, body, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json()["code"] == "request_too_large"
    assert not Event.objects.exists()


def test_too_many_files_is_413_json_and_a_page(catalogue: None, worker: Client) -> None:
    photos = [SimpleUploadedFile(f"{i}.jpg", JPEG) for i in range(150)]
    answer = worker.post(
        f"{BASE}/with-photos", {"data": json.dumps(report_body()), "photos": photos}
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_many_files"
    page = worker.post("/events/report/", {"description": "x", "photos": photos})
    assert page.status_code == 413
    assert "文件" in page.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("text", "code"), [("漏水\ud800", "invalid_character"), ("漏水\x00", "null_character")]
)
def test_a_string_that_cannot_be_stored_is_refused_naming_its_field(
    catalogue: None, worker: Client, text: str, code: str
) -> None:
    for body in (report_body(description=text), report_body(extra={"building": text})):
        answer = worker.post(BASE, json.dumps(body), content_type="application/json")
        assert answer.status_code == 400, answer.content
        [problem] = answer.json()["errors"]
        assert problem["code"] == code
        assert problem["field"] in ("description", "extra.building")
    assert not Event.objects.exists()


@pytest.mark.postgres
def test_a_nul_in_a_path_query_or_form_is_refused(catalogue: None, worker: Client) -> None:
    answer = worker.get(f"{BASE}/SJ%00")
    assert answer.status_code == 400
    assert answer.json()["errors"][0] == {
        "code": "null_character",
        "field": "path",
        "message": answer.json()["errors"][0]["message"],
    }
    page = worker.get("/events/SJ%00/")
    assert page.status_code == 400
    assert "空字符" in page.content.decode()
    assert worker.get("/events/?q=%00").status_code == 400
    form = worker.post("/events/report/", {"description": "漏水\x00", "category": "0401"})
    assert form.status_code == 400
    assert "description" in form.content.decode()
    assert not Event.objects.exists()


@pytest.mark.postgres
def test_open311_answers_a_nul_with_its_error_list(db: Any) -> None:
    anonymous = Client(raise_request_exception=False)
    answer = anonymous.get("/open311/v2/requests.json?service_request_id=SJ%00")
    assert answer.status_code == 400
    [error] = answer.json()
    assert error["code"] == 400
    assert error["description"].startswith("service_request_id: ")
    xml = anonymous.get("/open311/v2/requests.xml?service_request_id=SJ%00")
    assert xml.status_code == 400
    assert xml.content.startswith(b"<?xml")


def test_a_page_number_past_any_database_integer(catalogue: None, worker: Client) -> None:
    huge = "99999999999999999999"
    answer = worker.get(f"{BASE}?page={huge}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "page"
    assert worker.get(f"/events/?page={huge}").status_code == 200
    assert (
        worker.get(f"/api/v1/jurisdiction/layers/police_beat/units?offset={huge}").status_code
        == 422
    )


def test_a_fault_of_ours_still_answers_json(
    catalogue: None, worker: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridgov.events import selectors

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "events_filtered", broken)
    answer = worker.get(BASE)
    assert answer.status_code == 500
    assert answer.json()["code"] == "server_error"


def test_an_unknown_api_path_is_json_and_an_unknown_page_a_page(worker: Client) -> None:
    answer = worker.get("/api/v1/no-such-thing")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    page = worker.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
