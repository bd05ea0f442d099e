"""Deliveries on a real Celery worker, killed mid-way and restarted: each sent once.

The worker is another process, so the database is committed to (transaction=True) and
shared through PostgreSQL; the recording double appends each call to a file it names.
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gridgov.accounts.roles import Role
from gridgov.notifications.actions import notice_send
from gridgov.notifications.models import Channel, Delivery, DeliveryStatus, InboxItem, Kind
from gridgov.testing.broker import wait_for, worker
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]

__all__ = ["worker"]

RECORDING = "gridgov.notifications.channels.RecordingAdapter"
NOTICES = 30


@pytest.fixture
def record(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Chat goes to the recording double, here and in the worker (set before it starts)."""
    path = tmp_path / "sent.jsonl"
    path.touch()
    monkeypatch.setenv("GRIDGOV_NOTIFICATIONS_RECORD", str(path))
    monkeypatch.setenv("GRIDGOV_NOTIFY_CHAT_ADAPTER", RECORDING)
    settings.NOTIFICATIONS_ADAPTERS = {"chat": RECORDING}
    settings.NOTIFICATIONS_DEFAULT_CHANNELS = ["chat"]
    return path


def sent_keys(path: Path) -> list[str]:
    return [json.loads(line)["key"] for line in path.read_text().splitlines() if line.strip()]


def test_each_delivery_is_sent_once_across_a_worker_kill(
    record: Path, worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    user = make_user("gwx", Role.GRID_WORKER, node=build_tree()["320104001001001"])
    for n in range(NOTICES):
        notice_send(kind=Kind.BROADCAST, key=f"w{n}", title=f"通知{n}", recipients=[user.pk])
    keys = set(Delivery.objects.filter(channel=Channel.CHAT).values_list("key", flat=True))
    assert len(keys) == NOTICES
    first = worker()
    if worker.killable:  # type: ignore[attr-defined]
        wait_for(lambda: len(sent_keys(record)) >= 3)
        first.send_signal(signal.SIGKILL)
        first.wait()
        worker()
    wait_for(lambda: not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists(), seconds=120)
    sent = sent_keys(record)
    assert set(sent) == keys
    # A worker killed between the adapter's return and its commit sends that one again, with
    # the same key for the receiver to drop: at most the one in flight, never another.
    assert len(sent) - len(keys) <= 1
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    assert InboxItem.objects.filter(recipient=user).count() == NOTICES
