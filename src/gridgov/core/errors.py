"""Domain errors that every entry point turns into the same answer.

Actions and selectors raise these; the API turns them into JSON with a
machine-readable code and the right status, pages into a message in the
user's language. A validation error carries every problem found, each
naming the item, field and reason, so the caller can fix them all at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.http import JsonResponse
from django.utils.functional import Promise

API_CONTENT_TYPE = "application/json; charset=utf-8"  # as the API's own renderer answers


@dataclass(frozen=True)
class Problem:
    """One reason an input was refused."""

    code: str
    message: str | Promise
    field: str = ""
    index: int | None = None
    item: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["message"] = str(self.message)
        return {k: v for k, v in data.items() if v not in ("", None)}


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        self.problems: list[Problem] = problems or []

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.problems:
            body["errors"] = [p.as_dict() for p in self.problems]
        return body


class NotFound(DomainError):
    """Also the answer for anything outside the caller's jurisdiction, so nothing leaks."""

    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


@dataclass
class ProblemList:
    """Collects problems while validating, so all of them are reported together."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, message: str | Promise, **where: Any) -> None:
        self.problems.append(Problem(code=code, message=message, **where))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, message: str | Promise) -> None:
        if self.problems:
            raise InvalidInput(message, problems=self.problems)


def api_error_response(error: DomainError) -> JsonResponse:
    """The API's answer to an error raised before a request reaches the API (in a middleware)."""
    return JsonResponse(error.as_dict(), status=error.status, content_type=API_CONTENT_TYPE)
