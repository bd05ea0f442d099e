"""The request logs pass through the redacting filter, as every other log record does."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client


def test_the_development_server_log_masks_identifiers_in_the_url() -> None:
    """runserver logs each request line as an argument of its format string."""
    logger = logging.getLogger("django.server")
    handlers = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    assert handlers
    buffers = [io.StringIO() for _ in handlers]
    streams = [h.setStream(b) for h, b in zip(handlers, buffers, strict=True)]
    try:
        logger.info(
            '"%s" %s %s',
            "GET /events/?q=13812345678&id=32010219900101123X HTTP/1.1",
            "200",
            "2261",
            extra={"status_code": 200, "server_time": "07/Dec/2026 13:00:00"},
        )
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)
    text = "".join(b.getvalue() for b in buffers)
    assert 'GET /events/?q=138****5678&id=3201**********123X HTTP/1.1" 200 2261' in text
    assert "13812345678" not in text
    assert "32010219900101123X" not in text


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))


@pytest.mark.django_db
def test_the_request_log_masks_identifiers_for_every_handler() -> None:
    """Django's own handlers (mail_admins) hang on the django logger, below the root's filter."""
    logger = logging.getLogger("django.request")
    handler = Collect()
    logger.addHandler(handler)
    try:
        response = Client().get("/no-such-page/13812345678/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    assert handler.messages == ["refused 404 - user=- GET /no-such-page/138****5678/"]
