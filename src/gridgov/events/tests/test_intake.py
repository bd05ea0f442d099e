"""Every intake channel over real HTTP: the grid worker's report with photos and address, the
12345 hotline entered by a dispatcher, and other systems' deliveries with an idempotency key."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gridgov.accounts.actions import api_token_create
from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.core.crypto import mask_phone
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.events.actions.intake import (
    DESCRIPTION_MAX,
    event_hotline_report,
    mask_name,
)
from gridgov.events.models import Channel, Event, EventAttachment
from gridgov.testing.images import JPEG, PNG, WEBP
from gridgov.testing.tree import HERE

BASE = "/api/v1/events"


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def report_body(**overrides: Any) -> dict[str, Any]:
    return {
        "category": "0401",
        "description": "5栋楼道飞线充电",
        "lon": HERE[0],
        "lat": HERE[1],
        "extra": {"building": "5栋"},
        "address": "秦淮区小区5栋2单元",
        **overrides,
    }


def test_a_grid_worker_reports_with_photos_and_an_address(
    catalogue: None, as_user: Any, media: Path, loop_users: dict[str, User]
) -> None:
    answer = as_user("grid_worker").post(
        f"{BASE}/with-photos",
        {
            "data": json.dumps(report_body()),
            "photos": [
                SimpleUploadedFile("front.jpg", JPEG, "image/jpeg"),
                SimpleUploadedFile("side.bin", PNG, "application/octet-stream"),
                SimpleUploadedFile("night.webp", WEBP),
            ],
        },
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["address"] == "秦淮区小区5栋2单元"
    assert body["grid"]["code"] == "320104001001001"
    assert body["channel"] == "grid_worker"
    assert [(a["name"], a["content_type"], a["step"]) for a in body["attachments"]] == [
        ("front.jpg", "image/jpeg", "report"),
        ("side.bin", "image/png", "report"),
        ("night.webp", "image/webp", "report"),
    ]
    assert body["duplicate_candidates"] == []
    stored = EventAttachment.objects.get(name="side.bin")
    assert stored.file.name == f"events/{body['number']}/{stored.sha256[:20]}.png"
    kept = (media / stored.file.name).read_bytes()
    assert stored.size == len(kept)
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(PNG)).tobytes()
    assert stored.uploaded_by == loop_users["grid_worker"]
    assert stored.public_approved is False


def test_uploaded_photos_are_readable_by_the_server_only(
    catalogue: None, as_user: Any, media: Path
) -> None:
    answer = as_user("grid_worker").post(
        f"{BASE}/with-photos",
        {
            "data": json.dumps(report_body()),
            "photos": [SimpleUploadedFile("front.jpg", JPEG, "image/jpeg")],
        },
    )
    assert answer.status_code == 201
    stored = media / str(EventAttachment.objects.get().file.name)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


def test_the_point_decides_the_grid_whatever_the_address_says(
    catalogue: None, as_user: Any
) -> None:
    answer = as_user("grid_worker").post(
        BASE, report_body(address="建邺区某路1号"), content_type="application/json"
    )
    assert answer.status_code == 201
    assert answer.json()["grid"]["code"] == "320104001001001"


def test_a_bad_multipart_body_is_422_and_writes_nothing(catalogue: None, as_user: Any) -> None:
    worker = as_user("grid_worker")
    answer = worker.post(f"{BASE}/with-photos", {"data": "{not json"})
    assert answer.status_code == 422
    answer = worker.post(f"{BASE}/with-photos", {"data": json.dumps({"category": "0401"})})
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} >= {"description", "lon", "lat"}
    answer = worker.post(BASE, report_body(address="长" * 201), content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "address"
    assert not Event.objects.exists()


def test_an_overlong_description_is_refused_on_every_staff_channel(
    catalogue: None, as_user: Any
) -> None:
    """The action refuses it whatever the entry; the API's schema and the page's form say so
    first, each naming the field."""
    long = "长" * (DESCRIPTION_MAX + 1)
    answer = as_user("grid_worker").post(
        BASE, report_body(description=long), content_type="application/json"
    )
    assert answer.status_code == 422
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [
        ("description", "string_too_long")
    ]
    with_photos = as_user("grid_worker").post(
        f"{BASE}/with-photos", {"data": json.dumps(report_body(description="x" * 2_000_000))}
    )
    assert with_photos.status_code == 422
    page = as_user("grid_worker").post("/events/report/", report_body(description=long))
    assert page.status_code == 422
    assert page.context["form"].errors["description"]
    assert not Event.objects.exists()


def hotline_body(**overrides: Any) -> dict[str, Any]:
    return {
        "ticket": "12345-20261123-0007",
        "caller_name": "张三丰",
        "caller_phone": "138-1234-5678",
        **{k: v for k, v in report_body().items() if k != "address"},
        "address": "秦淮区小区5栋",
        **overrides,
    }


def test_a_dispatcher_enters_a_hotline_call_keeping_only_masked_caller_details(
    catalogue: None, as_user: Any
) -> None:
    answer = as_user("dispatcher").post(
        f"{BASE}/hotline", hotline_body(), content_type="application/json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["channel"] == "hotline"
    assert body["hotline_ticket"] == "12345-20261123-0007"
    assert body["caller_name_masked"] == "张**"
    assert body["caller_phone_masked"] == "138****5678"
    event = Event.objects.get(number=body["number"])
    assert event.caller_phone_last4 == "5678"
    stored = json.dumps(
        list(Event.objects.filter(pk=event.pk).values()), default=str, ensure_ascii=False
    )
    assert "张三丰" not in stored
    assert "13812345678" not in stored
    audit = json.dumps(list(AuditEntry.objects.values("detail")), ensure_ascii=False)
    assert "张三丰" not in audit
    again = as_user("dispatcher").post(
        f"{BASE}/hotline", hotline_body(), content_type="application/json"
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["code"] == "duplicate_ticket"


@pytest.mark.parametrize(
    ("overrides", "problems"),
    [
        ({"ticket": " "}, {("ticket", "bad_ticket")}),
        ({"caller_phone": "call me"}, {("caller_phone", "bad_phone")}),
        (
            {"caller_name": "名" * 17, "description": ""},
            {("caller_name", "too_long"), ("description", "required")},
        ),
        ({"description": "长" * (DESCRIPTION_MAX + 1)}, {("description", "too_long")}),
    ],
)
def test_bad_hotline_calls_name_every_problem_and_write_nothing(
    overrides: dict[str, Any],
    problems: set[tuple[str, str]],
    catalogue: None,
    loop_users: dict[str, User],
) -> None:
    body = hotline_body(**overrides)
    with pytest.raises(InvalidInput) as refused:
        event_hotline_report(
            actor=loop_users["dispatcher"],
            ticket=body["ticket"],
            caller_name=body["caller_name"],
            caller_phone=body["caller_phone"],
            category_code=body["category"],
            description=body["description"],
            lon=body["lon"],
            lat=body["lat"],
            extra=body["extra"],
        )
    assert {(p.field, p.code) for p in refused.value.problems} == problems
    assert not Event.objects.exists()


def test_only_dispatchers_enter_hotline_calls(catalogue: None, as_user: Any) -> None:
    answer = as_user("grid_worker").post(
        f"{BASE}/hotline", hotline_body(), content_type="application/json"
    )
    assert answer.status_code == 403
    assert not Event.objects.exists()


def test_masks() -> None:
    assert mask_name("李四") == "李*"
    assert mask_name("") == ""
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("025845678") == "*****5678"


@pytest.fixture
def machine(loop_users: dict[str, User]) -> Client:
    """A sensor platform's client: a bearer token of a department account, no session."""
    _, key = api_token_create(actor=loop_users["handler"], name="烟感平台")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def intake_body(**overrides: Any) -> dict[str, Any]:
    return {
        "source_system": "smoke-sensors",
        "idempotency_key": "alarm-0001",
        "channel": "sensor",
        "category": "0501",
        "description": "烟感报警：5栋3楼",
        "lon": HERE[0],
        "lat": HERE[1],
        **overrides,
    }


def test_machine_intake_is_idempotent_per_key(catalogue: None, machine: Client) -> None:
    first = machine.post(f"{BASE}/intake", intake_body(), content_type="application/json")
    assert first.status_code == 201, first.json()
    assert first.json()["channel"] == "sensor"
    # The same body, keys in another order and spaced differently, is a retry.
    reordered = json.dumps(dict(reversed(list(intake_body().items()))), indent=2)
    again = machine.post(f"{BASE}/intake", reordered, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Event.objects.count() == 1
    other = machine.post(
        f"{BASE}/intake", intake_body(description="烟感报警：6栋"), content_type="application/json"
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_mismatch"
    elsewhere = machine.post(
        f"{BASE}/intake", intake_body(source_system="patrol"), content_type="application/json"
    )
    assert elsewhere.status_code == 201
    assert Event.objects.count() == 2
    event = Event.objects.get(number=first.json()["number"])
    assert len(event.body_sha256) == 64
    assert event.source_system == "smoke-sensors"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"source_system": "x" * 65}, "source_system"),
        ({"channel": "hotline"}, "channel"),
        ({"category": "9999"}, "category"),
        ({"lon": 125.0}, "location"),
    ],
)
def test_bad_machine_deliveries_are_422_and_write_nothing(
    overrides: dict[str, Any], field: str, catalogue: None, machine: Client
) -> None:
    answer = machine.post(
        f"{BASE}/intake", intake_body(**overrides), content_type="application/json"
    )
    assert answer.status_code == 422
    assert field in {e["field"] for e in answer.json()["errors"]}
    assert not Event.objects.exists()


def test_machine_intake_needs_a_token_and_a_role_that_reports(
    catalogue: None, loop_users: dict[str, User]
) -> None:
    assert (
        Client().post(f"{BASE}/intake", intake_body(), content_type="application/json").status_code
        == 401
    )
    _, key = api_token_create(actor=loop_users["analyst"], name="看板")
    analyst = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = analyst.post(f"{BASE}/intake", intake_body(), content_type="application/json")
    assert answer.status_code == 403
    assert not Event.objects.exists()


def test_report_roles_stay_refused(catalogue: None, loop_users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        event_hotline_report(
            actor=loop_users["handler"],
            ticket="1",
            caller_name="",
            caller_phone="",
            category_code="0401",
            description="x",
            lon=HERE[0],
            lat=HERE[1],
        )
    assert Channel.HOTLINE not in set(Event.objects.values_list("channel", flat=True))
