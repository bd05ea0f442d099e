"""The pages and the API over real HTTP (Django's test client), in Chinese where shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.command.actions.plans import plan_save
from gridgov.command.models import PlanKind, Receipt, ReceiptStatus
from gridgov.command.tests.conftest import DISTRICT_GRIDS, Centres
from gridgov.testing.images import PNG

pytestmark = pytest.mark.django_db

API = "/api/v1/command"


def test_a_centre_sends_on_its_page_and_the_worker_acknowledges_on_theirs(
    centres: Centres, loop_users: dict[str, User], client_for: Any, on_commit: Any
) -> None:
    client = client_for("dispatcher")
    page = client.get(f"/command/centres/{centres.north.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "下发指令" in page.content.decode()
    due = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    with on_commit():
        sent = client.post(
            f"/command/centres/{centres.north.pk}/",
            {
                "title": "排查飞线充电",
                "priority": "normal",
                "due_at": due,
                "ack_minutes": 30,
                "area": "on",
            },
        )
    assert sent.status_code == 302
    worker = client_for("grid_worker")
    mine = worker.get("/command/mine/").content.decode()
    assert "排查飞线充电" in mine
    receipt = Receipt.objects.unscoped().get(recipient=loop_users["grid_worker"])
    assert worker.post(f"/command/mine/{receipt.pk}/acknowledge/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACKNOWLEDGED
    reported = worker.post(
        f"/command/mine/{receipt.pk}/report/",
        {
            "note": "已拆除飞线",
            "photo": SimpleUploadedFile("after.png", PNG, content_type="image/png"),
        },
    )
    assert reported.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.DONE
    assert str(receipt.photo.name).endswith(".png")
    detail = client.get(sent.url).content.decode()
    assert "已拆除飞线" in detail
    assert client.post(f"{sent.url}remind/").status_code == 302
    for path in ("/command/", f"/command/centres/{centres.north.pk}/roster/"):
        assert client.get(path).status_code == 200


def test_the_api_sends_counts_acknowledges_and_reads_the_wall(
    centres: Centres, loop_users: dict[str, User], client_for: Any, on_commit: Any
) -> None:
    commander = client_for("commander")
    with on_commit():
        created = commander.post(
            f"{API}/instructions",
            {
                "centre_id": centres.district.pk,
                "title": "全区防汛",
                "priority": "urgent",
                "due_at": (timezone.now() + timedelta(hours=3)).isoformat(),
                "targets": {"grids": list(DISTRICT_GRIDS)},
            },
            content_type="application/json",
        )
    assert created.status_code == 201, created.content
    number = created.json()["id"]
    counts = commander.get(f"{API}/instructions/{number}/counts").json()
    assert counts == {"total": 4, "pending": 4, "acknowledged": 0, "done": 0}
    worker = client_for("grid_worker")
    mine = worker.get(f"{API}/receipts").json()["items"]
    assert [r["instruction_title"] for r in mine] == ["全区防汛"]
    done = worker.post(
        f"{API}/receipts/{mine[0]['id']}/report",
        {"note": "已巡查"},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    refused = client_for("community_staff").post(
        f"{API}/receipts/{mine[0]['id']}/acknowledge", {}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (404, "not_addressed")
    wall = commander.get(f"{API}/centres/{centres.district.pk}/wall").json()
    assert wall["unacknowledged"][0]["missing"] == 3
    assert wall["emergency"] is None


def test_the_api_activates_orders_and_ends(
    centres: Centres, loop_users: dict[str, User], client_for: Any, on_commit: Any
) -> None:
    plan = plan_save(
        actor=loop_users["commander"],
        centre=centres.district,
        name="大型活动保障预案",
        kind=PlanKind.LARGE_EVENT,
        levels={},
        checklist=["疏散通道"],
    )
    commander = client_for("commander")
    started = commander.post(
        f"{API}/plans/{plan.pk}/activations",
        {"area": "320104", "level": "IV", "reason": "灯会开幕"},
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    with on_commit():
        order = commander.post(
            f"{API}/orders",
            {
                "centre_id": centres.district.pk,
                "title": "加密巡查",
                "targets": {"grids": [DISTRICT_GRIDS[3]]},
            },
            content_type="application/json",
        )
    assert order.status_code == 201, order.content
    ended = commander.post(
        f"{API}/activations/{started.json()['id']}/end",
        {"note": "活动结束"},
        content_type="application/json",
    )
    assert ended.json()["report"]["addressees"] == 1
    page = commander.get(f"/command/activations/{started.json()['id']}/").content.decode()
    assert "加密巡查" in page
