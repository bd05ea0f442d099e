"""The steps a logged-in account must take before it may use anything else (ADR 0014).

Where the second factor is required, an administrator or a role that reveals personal data
passes TOTP (or a backup code) in each session, enrolling first if need be. After an
administrator's reset the account holds a one-time password that only sets a new one. Until
each step is taken, every page redirects to it, and the API (a session or a token) answers
403 with the step's code, so no other path uses the account meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.otp import second_factor_required, verified
from gridgov.core.errors import PermissionDenied, api_error_response


@dataclass(frozen=True)
class Step:
    code: str
    message: str | Promise
    # The pages that take the step; logging out is always allowed.
    url_names: tuple[str, ...]


SECOND_FACTOR = Step(
    "second_factor_required",
    _("Confirm your login with the code from your authenticator first."),
    ("accounts:otp_verify", "accounts:otp_enrol"),
)
PASSWORD_CHANGE = Step(
    "password_change_required",
    _("Your password was reset: set a new one before going on."),
    ("accounts:password_change",),
)


def pending_step(user: Any, *, verified: bool) -> Step | None:
    """The second factor comes first: the administrator who reset a password and knows the
    one-time one must not get as far as choosing the new one."""
    if not verified and second_factor_required(user):
        return SECOND_FACTOR
    if user.must_change_password:
        return PASSWORD_CHANGE
    return None


def require_no_pending_step(user: Any, *, verified: bool) -> None:
    """For the API's token authentication, which the middleware never sees; a token counts
    as verified when it was made in a session that passed the second factor."""
    step = pending_step(user, verified=verified)
    if step is not None:
        raise PermissionDenied(step.message, code=step.code)


class PendingStepMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        step = pending_step(user, verified=verified(user)) if user.is_authenticated else None
        if step is None:
            return self.get_response(request)
        allowed = {reverse(name) for name in (*step.url_names, "accounts:logout")}
        if request.path_info in allowed:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return api_error_response(PermissionDenied(step.message, code=step.code))
        return redirect(step.url_names[0])
