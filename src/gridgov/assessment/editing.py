"""The sheet's weights as a page: the city's command centre weighs each indicator (and, for
the levels, the community's democratic appraisal) so that they add up to exactly 100.

`actions.sheet_items_set` checks the whole set and writes all of it or none; a refused form
comes back with what was typed and each problem named by its item.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.requests import UserRequest
from gridgov.assessment import actions
from gridgov.assessment.indicators import INDICATORS
from gridgov.assessment.models import APPRAISAL, SheetItem, UnitKind
from gridgov.assessment.sheets import APPRAISAL_LABEL
from gridgov.core.errors import InvalidInput, PermissionDenied, ProblemList
from gridgov.core.pages import page_view
from gridgov.core.problem_labels import labelled

FIELD_LABELS = {"weights": gettext_lazy("Weight"), "unit_kind": gettext_lazy("Unit")}


def _items(unit_kind: str) -> list[tuple[str, str]]:
    """(code, label) of what a sheet of this kind may weigh."""
    shown = [
        (i.code, str(i.label))
        for i in INDICATORS
        if unit_kind == UnitKind.NODE or i.for_departments
    ]
    return shown + ([(APPRAISAL, str(APPRAISAL_LABEL))] if unit_kind == UnitKind.NODE else [])


def _weights_posted(post: dict[str, str], items: list[tuple[str, str]]) -> dict[str, Decimal]:
    problems, weights = ProblemList(), {}
    for code, label in items:
        raw = post.get(f"w-{code}", "").strip()
        if not raw:
            continue
        try:
            weights[code] = Decimal(raw)
        except InvalidOperation:
            problems.add("not_a_number", _("Not a number."), field="weights", item=label)
    problems.raise_if_any(_("The weights cannot be set."))
    return weights


@page_view
def sheet_weights(request: UserRequest) -> HttpResponse:
    user = request.user
    if not actions.may_set_sheet_weights(user):
        raise PermissionDenied(_("Only the city's command centre sets the sheet's weights."))
    unit_kind = request.GET.get("unit", UnitKind.NODE)
    if unit_kind not in UnitKind.values:
        unit_kind = UnitKind.NODE
    items = _items(unit_kind)
    error: InvalidInput | None = None
    if request.method == "POST":
        try:
            weights = _weights_posted(request.POST.dict(), items)
            actions.sheet_items_set(actor=user, unit_kind=unit_kind, weights=weights)
        except InvalidInput as refused:
            error = refused
            error.problems = labelled(refused.problems, FIELD_LABELS)
        else:
            messages.success(request, _("The sheet's weights are saved."))
            return redirect(f"{reverse('assessment:sheet_weights')}?unit={unit_kind}")
    saved = {
        code: f"{weight:g}"
        for code, weight in SheetItem.objects.filter(unit_kind=unit_kind).values_list(
            "code", "weight"
        )
    }
    rows = [
        (code, label, request.POST.get(f"w-{code}", "") if error else saved.get(code, ""))
        for code, label in items
    ]
    return render(
        request,
        "assessment/sheet_weights.html",
        {"rows": rows, "unit_kind": unit_kind, "kinds": UnitKind.choices, "error": error},
    )
