"""A refused request is one log line naming who, where and why; a crash keeps its traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import login
from gridgov.events import selectors as event_selectors


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/events/report/", 403, "forbidden"),  # a page refused to the role
        ("/events/SJ20990101000001/", 404, "-"),  # a page outside the scope
        ("/api/v1/events/SJ20990101000001", 404, "-"),  # an API answer
        ("/api/v1/whistle/summons", 403, "-"),
    ],
)
def test_a_refusal_is_one_line_without_traceback(
    users: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    path: str,
    status: int,
    code: str,
) -> None:
    client = login(Client(), users["analyst"] if status == 403 else users["dispatcher"])
    caplog.set_level(logging.INFO)
    response = client.get(path)
    assert response.status_code == status
    [record] = request_records(caplog)
    assert record.exc_info is None
    assert record.getMessage().startswith(f"refused {status} ")
    assert f"user={users['analyst' if status == 403 else 'dispatcher'].username}" in (
        record.getMessage()
    )
    assert path.split("?")[0] in record.getMessage()
    if code != "-":
        assert f" {code} " in record.getMessage()
    assert "Traceback" not in caplog.text


def test_a_crash_keeps_its_traceback(
    users: dict[str, Any], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(event_selectors, "event_get", crash)
    client = login(Client(raise_request_exception=False), users["dispatcher"])
    caplog.set_level(logging.INFO)
    assert client.get("/events/SJ20990101000001/").status_code == 500
    [record] = request_records(caplog)
    assert record.exc_info is not None
    assert "RuntimeError: boom" in caplog.text
