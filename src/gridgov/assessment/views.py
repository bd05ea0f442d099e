"""Scorecard and ranking pages: plain tables read from the daily counts, formulas as titles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.requests import UserRequest
from gridgov.assessment import actions, params, selectors
from gridgov.assessment.indicators import INDICATORS
from gridgov.core.pages import page_view
from gridgov.core.routers import on_replica
from gridgov.events.selectors import event_get
from gridgov.jurisdiction.models import Level


def shown(value: selectors.Value) -> str:
    """A rate as a percentage, a score on its 1–5 scale, nothing as a dash."""
    if value.value is None:
        return "—"
    if value.indicator.is_rate:
        return f"{number_format(value.value * 100, 1)} %"
    return number_format(value.value, 2)


def _periods() -> list[tuple[str, str]]:
    return [("day", _("day")), ("month", _("month")), ("quarter", _("quarter"))]


@on_replica
@page_view
def scorecard(request: UserRequest) -> HttpResponse:
    user = request.user
    card = selectors.scorecard(user, **params.scorecard_args(user, request.GET))
    child_level = getattr(card.unit, "level", Level.GRID) + 1
    return render(
        request,
        "assessment/scorecard.html",
        {
            "card": card,
            "rows": [(v, shown(v)) for v in card.values],
            "periods": _periods(),
            "child_level": child_level if child_level <= Level.GRID else None,
        },
    )


@on_replica
@page_view
def ranking(request: UserRequest) -> HttpResponse:
    user = request.user
    args = params.ranking_args(user, request.GET)
    level, within = args["level"], args["within"]
    table = selectors.ranking(user, **args)
    context: dict[str, Any] = {
        "table": table,
        "rows": [(r, shown(r.value)) for r in table.rows],
        "indicators": INDICATORS,
        "levels": [(lvl, label) for lvl, label in Level.choices],
        "level": level,
        "within": within,
        "periods": _periods(),
    }
    return render(request, "assessment/ranking.html", context)


class HandlingScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("Score"), choices=[(n, str(n)) for n in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@page_view
def handling_score(request: UserRequest, number: str) -> HttpResponse:
    """The centre scores the handling of a closed event; the score, once given, is shown."""
    event = event_get(request.user, number)
    form = HandlingScoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.handling_score(
            actor=request.user,
            event_number=event.number,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("The handling of %(number)s is scored.") % {"number": number})
        return redirect("assessment:handling_score", number)
    return render(
        request,
        "assessment/handling_score.html",
        {"event": event, "form": form, "given": selectors.handling_score_of(event)},
    )
