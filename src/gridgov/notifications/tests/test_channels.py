"""The outside channels: preferences, e-mail, the resident's text, the signed webhook, retries."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.events.actions.residents import event_resident_report
from gridgov.events.models import Channel as EventChannel
from gridgov.events.workflow import Command, Status
from gridgov.notifications.actions.delivery import delivery_run
from gridgov.notifications.channels import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Outgoing,
    signature,
)
from gridgov.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Follower,
    Kind,
    Preference,
    WebhookEndpoint,
)
from gridgov.tasks.models import DeadTask
from gridgov.testing.loop import Report, Walk, apply
from gridgov.testing.tree import HERE, Tree

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def email_on(user: User) -> None:
    client = login(Client(), user)
    response = client.post("/notifications/preferences/", {"dispatched.email": "on"})
    assert response.status_code == 302


def test_preferences_page_in_chinese_and_email_follows_them(
    settings: Any,
    walk: Walk,
    loop_users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    handler = loop_users["handler"]
    handler.email = "fh@example.gov.cn"
    handler.save()
    page = login(Client(), handler).get("/notifications/preferences/")
    assert "通知设置" in page.content.decode()
    assert "派给我的" in page.content.decode()
    email_on(handler)
    assert Preference.objects.get(user=handler, kind="dispatched", channel="email").enabled
    assert AuditEntry.objects.filter(action="notifications.preferences").exists()
    with django_capture_on_commit_callbacks(execute=True):
        event = walk(Status.DISPATCHED)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["fh@example.gov.cn"]
    assert event.number in sent.subject
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert sent.extra_headers["X-GridGov-Key"] == delivery.key
    assert delivery.status == DeliveryStatus.SENT
    # A second run of the task (a redelivery) sends nothing.
    assert delivery_run(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_an_unknown_kind_or_channel_is_refused_by_name(client_for: Any) -> None:
    response = client_for("dispatcher").put(
        "/api/v1/notifications/preferences",
        [{"kind": "dispatched", "channel": "pigeon", "enabled": True}],
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "bad_channel"
    assert not Preference.objects.exists()


def resident_report(tree: Tree, phone: str) -> Any:
    event, _created = event_resident_report(
        within=tree["3201"],
        channel=EventChannel.SNAP_REPORT,
        source_system="residents",
        idempotency_key=uuid.uuid4().hex,
        category_code="0202",
        description="路灯不亮",
        lon=HERE[0],
        lat=HERE[1],
        contact_phone=phone,
    )
    return event


def test_a_resident_who_left_a_phone_is_texted_on_dispatch_and_closure(
    recorded: list[Outgoing],
    catalogue: None,
    tree: Tree,
    loop_users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = resident_report(tree, PHONE)
        # The phone is kept sealed, never in clear.
        assert PHONE not in Follower.objects.get().sealed_phone
        event = apply(loop_users, event, Command.REGISTER)
        event = apply(loop_users, event, Command.DISPATCH, payload={"department": "320104-fire"})
        for command in (Command.ACCEPT, Command.HANDLE):
            event = apply(loop_users, event, command)
        event = apply(loop_users, event, Command.VERIFY, actor=loop_users["dispatcher"])
        apply(loop_users, event, Command.CLOSE)
    texts = [c for c in recorded if c.kind == Kind.STATUS]
    assert [c.address for c in texts] == [PHONE, PHONE]
    assert "秦淮区消防救援大队" in texts[0].title
    assert "结案" in texts[1].title


def test_no_phone_is_kept_without_an_sms_adapter(tree: Tree, catalogue: None) -> None:
    resident_report(tree, PHONE)
    assert not Follower.objects.exists()


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[Any, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_the_outbound_webhook_posts_a_signed_payload_of_its_kinds(
    receiver: str, walk: Walk, django_capture_on_commit_callbacks: Any
) -> None:
    WebhookEndpoint.objects.create(
        name="12345", url=receiver, secret="s3cret", kinds=["dispatched"]
    )
    WebhookEndpoint.objects.create(name="其他", url=receiver, secret="x", kinds=["overdue"])
    with django_capture_on_commit_callbacks(execute=True):
        event = walk(Status.DISPATCHED)
    assert len(Receiver.received) == 1
    headers, body = Receiver.received[0]
    assert headers[SIGNATURE_HEADER] == signature("s3cret", headers[TIMESTAMP_HEADER], body)
    assert headers[KEY_HEADER] == Delivery.objects.get(channel=Channel.WEBHOOK).key
    payload = json.loads(body)
    assert payload["kind"] == "dispatched"
    assert payload["data"]["number"] == event.number
    assert "secret" not in payload


class Broken:
    def send(self, message: Outgoing) -> None:
        raise OSError("gateway down")


def test_a_failing_channel_is_retried_then_kept_as_a_dead_task(
    settings: Any,
    report: Report,
    loop_users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.NOTIFICATIONS_ADAPTERS = {"chat": f"{__name__}.Broken"}
    settings.NOTIFICATIONS_DEFAULT_CHANNELS = ["chat"]
    with django_capture_on_commit_callbacks(execute=True):
        event = apply(loop_users, report(), Command.REGISTER)
        apply(loop_users, event, Command.DISPATCH)
    delivery = Delivery.objects.get(channel=Channel.CHAT)
    assert delivery.status == DeliveryStatus.PENDING
    dead = DeadTask.objects.get(task="gridgov.notifications.deliver")
    assert dead.kwargs == {"delivery_id": delivery.pk}
    assert "gateway down" in dead.error
