"""The header's unread count, for every page: add
`gridgov.notifications.context_processors.inbox` to the template context processors and
include "notifications/header_link.html" where the header shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gridgov.notifications.selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not show the header costs no query.
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
