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
from gridgov.accounts.roles import ADMIN_ROLES, ASSIGNMENT_ROLES, Role
from gridgov.assessment import actions, params, selectors, sheets
from gridgov.assessment.indicators import INDICATORS
from gridgov.assessment.models import UnitKind
from gridgov.assessment.staffing import factors as staffing_factors
from gridgov.core.errors import PermissionDenied
from gridgov.core.pages import page_view
from gridgov.core.routers import on_replica
from gridgov.events.selectors import event_get
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import node_get, scope_root


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


# The sheet serves everyone who serves residents; the workers' scorecards and staffing serve
# those who steer grid workers, not the workers themselves.
SHEET_ROLES = frozenset(Role) - ADMIN_ROLES - ASSIGNMENT_ROLES
STEERING_ROLES = SHEET_ROLES - {Role.GRID_WORKER}


def _require(user: Any, roles: frozenset[str]) -> None:
    if user.role not in roles:
        raise PermissionDenied(_("This page is not for your role."))


def _number(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else number_format(value, decimals)


@on_replica
@page_view
def workers(request: UserRequest) -> HttpResponse:
    """Grid workers' scorecards: one column per registered scorecard source."""
    user = request.user
    _require(user, STEERING_ROLES)
    period, start = params.period_args(request.GET)
    window, sources, cards = sheets.worker_cards(
        user, period=period, start=start, within=request.GET.get("within", "")
    )
    rows = [
        (card.worker, [_number(card.values[s.code], s.decimals) for s in sources]) for card in cards
    ]
    return render(
        request,
        "assessment/workers.html",
        {"period": window, "sources": sources, "rows": rows, "periods": _periods()},
    )


class AppraisalForm(forms.Form):
    score = forms.DecimalField(
        label=gettext_lazy("Democratic appraisal score (0–100)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
    )


@page_view
def sheet(request: UserRequest) -> HttpResponse:
    """A unit's monthly or quarterly assessment sheet; a community's staff add its democratic
    appraisal score here."""
    user = request.user
    _require(user, SHEET_ROLES)
    args = params.scorecard_args(user, request.GET)
    if args["period"] == "day":
        args["period"], args["start"] = "month", args["start"].replace(day=1)
    form = AppraisalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.appraisal_enter(
            actor=user,
            code=args["code"],
            period=args["period"],
            start=args["start"],
            score=form.cleaned_data["score"],
        )
        messages.success(request, _("The appraisal score is saved."))
        return redirect(request.get_full_path())
    shown_sheet = sheets.sheet(user, **args)
    may_appraise = (
        user.role == Role.COMMUNITY_STAFF
        and args["unit_kind"] == UnitKind.NODE
        and scope_root(user).code == args["code"]
    )
    return render(
        request,
        "assessment/sheet.html",
        {
            "sheet": shown_sheet,
            "lines": [(ln, _number(ln.value if ln.code == "appraisal" else None), _number(ln.score))
                      for ln in shown_sheet.lines],
            "total": _number(shown_sheet.total),
            "form": form if may_appraise else None,
            "periods": [p for p in _periods() if p[0] != "day"],
            "may_weigh": actions.may_set_sheet_weights(user),
        },
    )  # fmt: skip


@on_replica
@page_view
def staffing(request: UserRequest) -> HttpResponse:
    """Grids under a node: recommended workers from the workload against the staff they have,
    the under-staffed first."""
    user = request.user
    _require(user, STEERING_ROLES)
    code = request.GET.get("code", "") or scope_root(user).code
    rows = sorted(selectors.staffing_of(user, code), key=lambda r: (r[1].gap, r[0].code))
    return render(
        request,
        "assessment/staffing.html",
        {"node": node_get(user, code), "rows": rows, "factors": staffing_factors()},
    )
