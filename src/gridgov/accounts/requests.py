"""The request's user, typed: what every view and API route of a logged-in caller works with.

Login (page_view's login_required, the API's auth) has already turned `request.user` into a
`User`; these say so to the type checker once, instead of a cast in every module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

from gridgov.accounts.models import User

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class UserRequest(HttpRequest):
    """A request that passed login_required, seen through the HtmxMiddleware."""

    user: User
    htmx: HtmxDetails


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a request that passed login (a page, an API route, the admin)."""
    return cast(User, request.user)
