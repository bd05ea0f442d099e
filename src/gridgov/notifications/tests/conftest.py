"""The events loop's fixtures, shared rather than copied, and the recording channel double."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gridgov.notifications.channels import RecordingAdapter
from gridgov.testing import loop

catalogue = loop.catalogue
brigade = loop.brigade
loop_users = loop.loop_users
report = loop.report
walk = loop.walk
media = loop.media

RECORDING = "gridgov.notifications.channels.RecordingAdapter"


@pytest.fixture
def recorded(settings: Any) -> Iterator[list[Any]]:
    """Every outside channel goes to the recording double; its calls, in order."""
    settings.NOTIFICATIONS_ADAPTERS = {c: RECORDING for c in ("email", "sms", "chat", "webhook")}
    RecordingAdapter.calls.clear()
    yield RecordingAdapter.calls
    RecordingAdapter.calls.clear()
