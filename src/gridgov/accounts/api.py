"""The caller's own account and API tokens, and the accounts an account manager looks after."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from gridgov.accounts import actions, selectors
from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.otp import verified
from gridgov.accounts.requests import request_user
from gridgov.accounts.roles import Capability, Role
from gridgov.core.errors import PermissionDenied

router = Router(tags=["accounts"])


def _manager(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.can(Capability.MANAGE_ACCOUNTS):
        raise PermissionDenied(_("Only a security administrator may manage accounts."))
    return user


class NodeRef(Schema):
    code: str
    name: str


class DepartmentRef(Schema):
    code: str
    name: str


class AccountOut(Schema):
    username: str
    display_name: str
    role: Role | None = Field(description="Empty only for a development superuser.")
    role_label: str = Field(alias="get_role_display")
    node: NodeRef | None
    department: DepartmentRef | None

    @staticmethod
    def resolve_role(obj: User) -> str | None:
        return obj.role or None


class MeOut(AccountOut):
    capabilities: list[Capability]

    @staticmethod
    def resolve_capabilities(obj: User) -> list[str]:
        return [c for c in Capability.values if obj.can(c)]


class UserOut(AccountOut):
    id: int
    is_active: bool
    last_login: datetime | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the key, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime = Field(
        description="The token stops working then (GRIDGOV_API_TOKEN_DAYS)."
    )
    revoked_at: datetime | None = Field(description="Also set when the password changes.")


class TokenIn(Schema):
    name: str = Field(max_length=64, description="What the token is for, e.g. the client's name.")


class TokenCreatedOut(Schema):
    id: int
    name: str
    prefix: str
    expires_at: datetime
    key: str = Field(description="Send as `Authorization: Bearer <key>`. Shown only this once.")


@router.get("/me", response=MeOut, summary="The calling account")
def me(request: HttpRequest) -> User:
    return request_user(request)


@router.get("/tokens", response=list[TokenOut], summary="The caller's API tokens")
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.api_tokens_of(request_user(request)))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    user = request_user(request)
    token, key = actions.api_token_create(
        actor=user, name=payload.name, second_factor=verified(user)
    )
    return Status(
        201,
        TokenCreatedOut(
            id=token.pk, name=token.name, prefix=token.prefix, expires_at=token.expires_at, key=key
        ),
    )


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    user = request_user(request)
    actions.api_token_revoke(actor=user, token=selectors.api_token_get(user, token_id))
    return Status(204, None)


@router.get("/users", response=list[UserOut], summary="Accounts in the caller's jurisdiction")
@paginate(PageNumberPagination, page_size=50)
def user_list(request: HttpRequest) -> list[User]:
    return selectors.users_visible(_manager(request)).order_by("username")  # type: ignore[return-value]


@router.get(
    "/users/{user_id}", response=UserOut, summary="One account in the caller's jurisdiction"
)
def user_detail(request: HttpRequest, user_id: int) -> User:
    return selectors.user_get(_manager(request), user_id)
