"""The case-work pages beside the loop: a comment on an event, a queue filter kept or
dropped, and one command given to the events ticked in a queue (actions.casework)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import InvalidInput
from gridgov.core.pages import page_view
from gridgov.events import selectors
from gridgov.events.actions import casework
from gridgov.events.queues import QUEUES
from gridgov.events.views import detail_context


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Internal comment"),
        max_length=casework.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_POST
@page_view
def comment(request: UserRequest, number: str) -> HttpResponse:
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(
                "; ".join(str(e) for e in form.errors.get("body", [])), code="invalid"
            )
        casework.event_comment_add(
            actor=request.user, number=number, body=form.cleaned_data["body"]
        )
    except InvalidInput as exc:
        event = selectors.event_get(request.user, number)
        context = detail_context(request.user, event)
        context.update(comment_form=form, comment_errors=[str(exc.message)])
        return render(request, "events/detail.html", context, status=422)
    messages.success(request, _("Your comment was added."))
    return redirect(reverse("events:detail", args=[number]) + "#comments")


def _back_to_queue(query: str) -> HttpResponse:
    return redirect(reverse("events:queue") + (f"?{query}" if query else ""))


@require_POST
@page_view
def filter_save(request: UserRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        saved = casework.saved_filter_create(
            actor=request.user, name=request.POST.get("name", ""), query=query
        )
    except InvalidInput as exc:
        messages.error(request, str(exc.message))
        return _back_to_queue(casework.filter_query(query))
    messages.success(request, _("Filter “%(name)s” kept.") % {"name": saved.name})
    return _back_to_queue(saved.query)


@require_POST
@page_view
def filter_delete(request: UserRequest, filter_id: int) -> HttpResponse:
    casework.saved_filter_delete(actor=request.user, filter_id=filter_id)
    messages.success(request, _("The filter was deleted."))
    return _back_to_queue("")


def _ticked(values: list[str]) -> list[tuple[str, int]]:
    """Each ticked row is `number:version`, the version the person saw."""
    items = []
    for value in values:
        number, _sep, version = value.partition(":")
        if not version.isdigit():
            raise InvalidInput(_("The list was out of date; reload it."), code="bad_item")
        items.append((number, int(version)))
    return items


@require_POST
@page_view
def bulk(request: UserRequest) -> HttpResponse:
    tab = request.POST.get("tab", "")
    query = urlencode({"tab": tab}) if tab in QUEUES else ""
    try:
        outcomes = casework.events_apply_many(
            actor=request.user,
            command=request.POST.get("command", ""),
            items=_ticked(request.POST.getlist("events")),
            note=request.POST.get("note", ""),
        )
    except InvalidInput as exc:
        messages.error(request, str(exc.message))
        return _back_to_queue(query)
    done = [o for o in outcomes if o.done]
    if done:
        messages.success(
            request,
            _("%(n)d events done: %(numbers)s")
            % {"n": len(done), "numbers": ", ".join(o.number for o in done)},
        )
    for refused in (o for o in outcomes if not o.done):
        messages.error(request, f"{refused.number}: {refused.message}")
    return _back_to_queue(query)
