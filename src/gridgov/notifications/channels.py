"""Delivery channels behind one interface.

The contract of an adapter (docs/adr/0023):
- `send(message)` delivers one `Outgoing` or raises; a raise makes the task retry later.
- It passes `message.key` on (a header, a field) so that the receiver can drop a repeat:
  a worker killed after the receiver accepted but before the delivery row was marked sent
  sends once more, with the same key. That key is the only duplicate a receiver ever sees.
- It holds no state between calls and reads its configuration from settings.

The in-app channel needs no adapter: the inbox row is written with the change itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from gridgov.notifications.models import Channel

SIGNATURE_HEADER = "X-GridGov-Signature"
TIMESTAMP_HEADER = "X-GridGov-Timestamp"
KEY_HEADER = "Idempotency-Key"
HTTP_TIMEOUT = 10


@dataclass(frozen=True)
class Outgoing:
    key: str
    kind: str
    title: str
    body: str
    link: str
    address: str
    data: dict[str, Any] = field(default_factory=dict)
    secret: str = field(default="", repr=False)


class Adapter(Protocol):
    def send(self, message: Outgoing) -> None: ...


def _post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> None:
    data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is an administrator's setting)
        url, data=data, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
        if response.status >= 300:
            raise OSError(f"{url} answered {response.status}")


class EmailAdapter:
    """Django's mail backend; the key rides in a header a mail gateway may deduplicate on."""

    def send(self, message: Outgoing) -> None:
        text = message.body
        if message.link:
            text = f"{text}\n\n{settings.GRIDGOV_SITE_URL.rstrip('/')}{message.link}"
        EmailMessage(
            subject=message.title,
            body=text,
            to=[message.address],
            headers={"X-GridGov-Key": message.key},
        ).send()


class SmsGatewayAdapter:
    """A JSON SMS gateway (most Chinese SMS vendors offer one): phone, text and the key."""

    def send(self, message: Outgoing) -> None:
        _post_json(
            settings.NOTIFICATIONS_SMS_URL,
            {
                "phone": message.address,
                "text": f"{message.title} {message.body}".strip(),
                "key": message.key,
            },
            {KEY_HEADER: message.key},
        )


class ChatRobotAdapter:
    """A WeCom (企业微信) or DingTalk group robot: both take this text message shape and
    mention members by their account (`mentioned_list` / `atUserIds`)."""

    def send(self, message: Outgoing) -> None:
        content = f"{message.title}\n{message.body}".strip()
        _post_json(
            settings.NOTIFICATIONS_CHAT_URL,
            {
                "msgtype": "text",
                "text": {"content": content, "mentioned_list": [message.address]},
                "at": {"atUserIds": [message.address]},
            },
            {KEY_HEADER: message.key},
        )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over the timestamp, a dot and the body, as Stripe and GitHub sign theirs:
    the receiver recomputes it and refuses an old timestamp, so a replay fails."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookAdapter:
    """A generic outbound webhook for other systems (a 12345 hotline taking outcomes back)."""

    def send(self, message: Outgoing) -> None:
        body = {k: v for k, v in asdict(message).items() if k not in {"address", "secret"}}
        data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310 (the URL is an administrator's setting)
            message.address,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json",
                KEY_HEADER: message.key,
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: signature(message.secret, timestamp, data),
            },
        )
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            if response.status >= 300:
                raise OSError(f"webhook answered {response.status}")


class RecordingAdapter:
    """The test double: records every call, and appends it to the file named by
    GRIDGOV_NOTIFICATIONS_RECORD when a test's worker runs in another process."""

    calls: ClassVar[list[Outgoing]] = []

    def send(self, message: Outgoing) -> None:
        type(self).calls.append(message)
        path = os.environ.get("GRIDGOV_NOTIFICATIONS_RECORD")
        if path:
            with open(path, "a", encoding="utf-8") as log:
                log.write(json.dumps(asdict(message), ensure_ascii=False) + "\n")
                log.flush()
                os.fsync(log.fileno())


def adapter_for(channel: str) -> Adapter | None:
    """The configured adapter of a channel, or None where the deployment has none."""
    if channel == Channel.IN_APP:
        return None
    path = settings.NOTIFICATIONS_ADAPTERS.get(channel, "")
    return import_string(path)() if path else None
