"""Log lines a person can read: one JSON object per line, each carrying the id of the request
it was written in, and one line, not a traceback, for a request refused on purpose.

The id comes from the proxy's X-Request-ID when it sends one (nginx's $request_id), so a
line of the web log, the proxy's log and the response header can be matched.

Django logs every 4xx answer on `django.request`, and for a 403 or 404 raised by a view it
attaches the exception, so each refusal printed the domain error's traceback chained to
Django's own: dozens of blocks an afternoon that buried the real failures. A refusal is the
system working, so it becomes one line naming the status, the domain code, the account and
the path; a 500 keeps its traceback.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

from gridgov.core.errors import DomainError

request_id: ContextVar[str] = ContextVar("request_id", default="")

# A proxy's id is kept only if it looks like one: it ends up in every log line.
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        token = request_id.set(given if VALID_ID.match(given) else uuid.uuid4().hex)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id.get()
            return response
        finally:
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """The message is formatted after the PII-redacting filter has run on the record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def _domain_code(exc: BaseException | None) -> str:
    """The domain error's code, where the answer came from one (a page re-raises it as
    Django's own exception, so it is the cause)."""
    while exc is not None:
        if isinstance(exc, DomainError):
            return exc.code
        exc = exc.__cause__
    return "-"


class ExpectedRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "-"
        exc = record.exc_info[1] if record.exc_info else None
        record.msg = "refused %s %s user=%s %s %s"
        record.args = (
            status,
            _domain_code(exc),
            who,
            getattr(request, "method", "-"),
            getattr(request, "path", "-"),
        )
        record.exc_info = None
        record.exc_text = None
        return True
