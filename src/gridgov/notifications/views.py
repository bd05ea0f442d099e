"""The inbox page, marking read, and one's preferences: thin, over actions and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import InvalidInput
from gridgov.core.pages import page_view
from gridgov.notifications import actions, selectors
from gridgov.notifications.kinds import kind_label

PAGE_SIZE = 30


@page_view
def inbox(request: UserRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for item in page.object_list:
        item.kind_label = kind_label(item.notice.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user)},
    )


@page_view
@require_POST
def item_open(request: UserRequest, item_id: int) -> HttpResponse:
    """Mark the item read and go where it points (a page of this site only)."""
    item = selectors.inbox_item_get(request.user, item_id)
    actions.inbox_mark_read(actor=request.user, item_ids=[item.pk])
    link = item.notice.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:inbox")


@page_view
@require_POST
def mark_all_read(request: UserRequest) -> HttpResponse:
    count = actions.inbox_mark_read(actor=request.user)
    messages.success(request, _("%(n)d notifications marked read.") % {"n": count})
    return redirect("notifications:inbox")


@page_view
def preferences(request: UserRequest) -> HttpResponse:
    rows = selectors.preferences(request.user)
    error = None
    if request.method == "POST":
        choices = {
            (kind, channel): f"{kind}.{channel}" in request.POST
            for kind, _label, channels in rows
            for channel in channels
        }
        try:
            actions.preferences_set(actor=request.user, choices=choices)
        except InvalidInput as exc:
            error = exc
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "channels": selectors.channel_labels(), "error": error},
        status=422 if error else 200,
    )
