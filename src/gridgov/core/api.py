"""The JSON API root: authentication and the one error format every route answers with."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from gridgov.core.errors import DomainError


class SessionAuth(APIKeyCookie):
    """The logged-in browser session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from gridgov.accounts.models import ApiToken

        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="GridGov API",
    version="1",
    urls_namespace="api",
    auth=[SessionAuth(), TokenAuth()],
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        errors.append(
            {"field": ".".join(loc), "code": err.get("type", "invalid"), "message": err.get("msg", "")}
        )
    body = {"code": "invalid", "message": "The request is not valid.", "errors": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "unauthenticated", "message": "Log in or send a valid bearer token."}
    return api.create_response(request, body, status=401)


def register_routers() -> None:
    """Mount every domain's router; called once from the URLconf."""
    from gridgov.accounts.api import router as accounts_router
    from gridgov.jurisdiction.api import router as jurisdiction_router
    from gridgov.staffing.api import router as staffing_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/jurisdiction", jurisdiction_router)
    api.add_router("/staffing", staffing_router)


register_routers()
