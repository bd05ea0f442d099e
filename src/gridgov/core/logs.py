"""One line, not a traceback, for a request refused on purpose.

Django logs every 4xx answer on `django.request`, and for a 403 or 404
raised by a view it attaches the exception, so each refusal printed the
domain error's traceback chained to Django's own: dozens of blocks an
afternoon that buried the real failures. A refusal is the system working,
so it becomes one line naming the status, the domain code, the account and
the path; a 500 keeps its traceback.
"""

from __future__ import annotations

import logging

from gridgov.core.errors import DomainError


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
