"""Every read of accounts and API tokens, scoped to the caller's jurisdiction."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import ApiToken, User
from gridgov.core.errors import NotFound


def users_visible(user: User) -> QuerySet[User]:
    """Accounts placed on a node of the user's subtree or on a department serving one."""
    return User.objects.visible_to(user.scope).select_related(
        "node", "department", "department__node"
    )


def user_get(user: User, user_id: int) -> User:
    found = users_visible(user).filter(pk=user_id).first()
    if found is None:
        raise NotFound(_("No such account."), code="user_not_found")
    return found


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The caller's own tokens, newest first; nobody lists another account's tokens here."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(user: User, token_id: int) -> ApiToken:
    token = api_tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such API token."), code="token_not_found")
    return token
