"""The JSON API root: authentication and the one error format every route answers with."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from gridgov.core.errors import DomainError, PermissionDenied

logger = logging.getLogger("gridgov.api")


class SessionAuth(APIKeyCookie):
    """The logged-in browser session, with Django's CSRF check on unsafe methods.

    The CSRF check runs only when a session cookie comes with the request: a
    bearer-token client carries no ambient credential, so it has nothing to
    forge and must not be refused for lacking a CSRF token.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key and check_csrf(request) is not None:
            raise PermissionDenied(
                _("The CSRF token is missing or wrong; reload the page."), code="csrf_failed"
            )
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if key and user.is_authenticated and user.is_active else None


class TokenAuth(HttpBearer):
    """An API token sent as `Authorization: Bearer <key>`; only the key's digest is looked up."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from gridgov.accounts.middleware import require_no_pending_step
        from gridgov.accounts.models import ApiToken

        # The caller's jurisdiction comes along (every scoped call reads it), its outline not.
        row = (
            ApiToken.objects.select_related("user__node", "user__department__node")
            .defer("user__node__boundary", "user__department__node__boundary")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        now = timezone.now()
        if row is None or not row.user.is_active or row.expires_at <= now:
            return None
        user = row.user
        second_factor = row.second_factor
        user.is_verified = lambda: second_factor  # type: ignore[attr-defined]
        require_no_pending_step(user, verified=second_factor)
        row.mark_used(now)
        request.user = user
        return user


def docs_guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The docs and the schema map every route; where API_DOCS_PUBLIC is off (production)
    only a logged-in user reads them. The setting is read per request, not at import."""

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return error_response(
                request, 401, "unauthenticated", _("Log in or send a valid bearer token.")
            )
        return redirect_to_login(request.get_full_path())

    return guarded


api = NinjaAPI(
    title="GridGov API",
    version="1",
    urls_namespace="api",
    # The token is tried first so that a token client never meets the session's CSRF check.
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    docs_decorator=docs_guard,
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: Any,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [p for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        problem: dict[str, Any] = {
            "field": ".".join(str(p) for p in loc if not isinstance(p, int)),
            "code": err.get("type", "invalid"),
            "message": err.get("msg", ""),
        }
        index = next((p for p in loc if isinstance(p, int)), None)
        if index is not None:
            problem["index"] = index
        errors.append(problem)
    return error_response(request, 422, "invalid", _("The request is not valid."), errors)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "unauthenticated", _("Log in or send a valid bearer token.")
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", exc.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Even a fault of ours answers JSON; it is logged and signalled like any other 500."""
    logger.error("API error on %s", request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return error_response(request, 500, "server_error", _("An error occurred on the server."))


def register_routers() -> None:
    """Mount every domain's router; called once from the URLconf."""
    from gridgov.accounts.api import router as accounts_router
    from gridgov.addresses.api import router as addresses_router
    from gridgov.assessment.api import router as assessment_router
    from gridgov.campaigns.api import router as campaigns_router
    from gridgov.command.api import router as command_router
    from gridgov.decisions.api import router as decisions_router
    from gridgov.events.api import router as events_router
    from gridgov.events.casework_api import router as casework_router
    from gridgov.exchange.api import router as exchange_router
    from gridgov.fieldwork.api import router as fieldwork_router
    from gridgov.insight.api import router as insight_router
    from gridgov.inspections.api import router as inspections_router
    from gridgov.jurisdiction.api import router as jurisdiction_router
    from gridgov.mediation.api import router as mediation_router
    from gridgov.notifications.api import router as notifications_router
    from gridgov.registry.api import router as registry_router
    from gridgov.rentals.api import router as rentals_router
    from gridgov.reports.api import router as reports_router
    from gridgov.staffing.api import router as staffing_router
    from gridgov.verification.api import router as verification_router
    from gridgov.web.api import router as web_router
    from gridgov.whistle.api import router as whistle_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/events", events_router)
    api.add_router("/casework", casework_router)
    api.add_router("/whistle", whistle_router)
    api.add_router("/decisions", decisions_router)
    api.add_router("/assessment", assessment_router)
    api.add_router("/insight", insight_router)
    api.add_router("/addresses", addresses_router)
    api.add_router("/registry", registry_router)
    api.add_router("/exchange", exchange_router)
    api.add_router("/jurisdiction", jurisdiction_router)
    api.add_router("/staffing", staffing_router)
    api.add_router("/verification", verification_router)
    api.add_router("/registry", web_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/inspections", inspections_router)
    api.add_router("/campaigns", campaigns_router)
    api.add_router("/command", command_router)
    api.add_router("/rentals", rentals_router)
    api.add_router("/fieldwork", fieldwork_router)
    api.add_router("/reports", reports_router)
    api.add_router("/mediation", mediation_router)


register_routers()
