"""Whistle pages: blow from an event, follow a whistle, a department's summons queue."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import InvalidInput
from gridgov.core.pages import page_view
from gridgov.events.actions.dispatch import dispatch_departments
from gridgov.events.selectors import event_get
from gridgov.whistle import actions, selectors
from gridgov.whistle.forms import BlowForm, PartDoneForm, RatingForm


@page_view
def whistle_list(request: UserRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "whistle/list.html",
        {
            # ?awaiting=1: the whistles a home counts as waiting for a department to report.
            "whistles": selectors.whistles_filtered(
                user, awaiting_report=request.GET.get("awaiting") == "1"
            )[:200],
            "escalated": selectors.summonses_escalated(user)[:50],
        },
    )


@page_view
def whistle_blow(request: UserRequest, number: str) -> HttpResponse:
    user = request.user
    event = event_get(user, number)
    already = selectors.whistle_open_for_event(user, event.pk)
    if already is not None:
        messages.info(request, _("A whistle is already open on this event."))
        return redirect("whistle:detail", already.pk)
    form = BlowForm(request.POST or None, departments=dispatch_departments(user, event))
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            whistle = actions.whistle_blow(
                actor=user,
                event_number=event.number,
                reason=data["reason"],
                department_codes=data["departments"],
                note=data["note"],
            )
        except InvalidInput as exc:
            error = exc
        else:
            messages.success(request, _("The whistle was blown."))
            return redirect("whistle:detail", whistle.pk)
    return render(
        request,
        "whistle/blow.html",
        {"event": event, "form": form, "error": error},
        status=422 if error or form.errors else 200,
    )


@page_view
def whistle_detail(request: UserRequest, whistle_id: int) -> HttpResponse:
    user = request.user
    whistle = selectors.whistle_get(user, whistle_id)
    return render(
        request,
        "whistle/detail.html",
        {
            "whistle": whistle,
            "rows": selectors.whistle_rows(user, whistle),
            "log": selectors.whistle_log(whistle),
            "ratings": range(5, 0, -1),
        },
    )


@page_view
def summons_queue(request: UserRequest) -> HttpResponse:
    return render(
        request,
        "whistle/queue.html",
        {"queue": selectors.summons_for_department(request.user), "now": timezone.now()},
    )


def _step(request: UserRequest, summons_id: int, run: Callable[[], object]) -> HttpResponse:
    """Run one step, then show the whistle again (its page re-reads what the step changed)."""
    summons = selectors.summons_get(request.user, summons_id)
    run()
    messages.success(request, _("Saved."))
    return redirect("whistle:detail", summons.whistle_id)


@require_POST
@page_view
def summons_report(request: UserRequest, summons_id: int) -> HttpResponse:
    return _step(
        request,
        summons_id,
        lambda: actions.summons_report(actor=request.user, summons_id=summons_id),
    )


@require_POST
@page_view
def summons_part_done(request: UserRequest, summons_id: int) -> HttpResponse:
    form = PartDoneForm(request.POST)
    description = form.cleaned_data["description"] if form.is_valid() else ""
    return _step(
        request,
        summons_id,
        lambda: actions.summons_part_done(
            actor=request.user, summons_id=summons_id, description=description
        ),
    )


@require_POST
@page_view
def summons_verify(request: UserRequest, summons_id: int) -> HttpResponse:
    return _step(
        request,
        summons_id,
        lambda: actions.summons_part_verify(actor=request.user, summons_id=summons_id),
    )


@require_POST
@page_view
def summons_rate(request: UserRequest, summons_id: int) -> HttpResponse:
    form = RatingForm(request.POST)
    valid = form.is_valid()
    return _step(
        request,
        summons_id,
        lambda: actions.summons_rate(
            actor=request.user,
            summons_id=summons_id,
            rating=form.cleaned_data["rating"] if valid else 0,
            comment=form.cleaned_data.get("comment", "") if valid else "",
        ),
    )
