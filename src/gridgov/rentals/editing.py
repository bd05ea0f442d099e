"""The rental warning's settings as pages: the city's commander tunes a rule's parameters,
and centre staff upload a utility's monthly meter readings.

Both actions check the whole input before writing anything; the pages only parse the form,
hand it over, and show what was refused with each field named as the form labels it (for a
meter file, with the line of the CSV it is on).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ProblemList,
)
from gridgov.core.pages import page_view
from gridgov.core.problem_labels import labelled
from gridgov.rentals import actions, rules, selectors
from gridgov.rentals.models import RentalRule

RULE_LABELS = {
    "kind": gettext_lazy("kind"),
    "max_share": gettext_lazy("largest share of homes flagged"),
    "code": gettext_lazy("name"),
    "min_area_per_person": gettext_lazy("square metres per person below"),
    "min_people": gettext_lazy("people registered at least"),
    "people_without_area": gettext_lazy("people in a home without a recorded area"),
    "days": gettext_lazy("days looked back"),
    "min_tenants": gettext_lazy("distinct tenants at least"),
    "months": gettext_lazy("months of readings"),
    "factor": gettext_lazy("times the median of similar homes"),
    "min_peers": gettext_lazy("similar homes needed"),
    "min_complaints": gettext_lazy("complaints at least"),
    "categories": gettext_lazy("complaint categories (codes, comma-separated)"),
}
METER_LABELS = {
    "address_code": gettext_lazy("address code"),
    "address": gettext_lazy("address"),
    "month": gettext_lazy("month"),
    "utility": gettext_lazy("utility"),
    "amount": pgettext_lazy("meter reading", "use"),
}


def _require_rule_editor(request: UserRequest) -> None:
    if not actions.may_change_rules(request.user):
        raise PermissionDenied(_("Only the city's commander may change the rules."))


def _param(raw: str, default: Any, name: str, problems: ProblemList) -> Any:
    if isinstance(default, list):
        return [c.strip() for c in raw.split(",") if c.strip()]
    try:
        number = Decimal(raw)
    except InvalidOperation:
        problems.add("not_a_number", _("Not a number."), field=name)
        return default
    return int(number) if number == number.to_integral_value() else float(number)


def _rule_save(request: UserRequest, rule: RentalRule) -> RentalRule:
    post, problems = request.POST, ProblemList()
    params = {
        name: _param(post.get(f"p-{name}", "").strip(), default, name, problems)
        for name, default in rules.DEFAULT_PARAMS[rule.kind].items()
    }
    try:
        max_share = Decimal(post.get("max_share", "").strip()) / 100
    except InvalidOperation:
        problems.add("not_a_number", _("Not a number."), field="max_share")
        max_share = rule.max_share
    problems.raise_if_any(_("The rule is not valid."))
    return actions.rule_save(
        actor=request.user,
        code=rule.code,
        name=post.get("name", "").strip(),
        kind=rule.kind,
        params=params,
        max_share=max_share,
        active=post.get("active") == "on",
        confirm=post.get("confirm") == "on",
    )


@page_view
def rule_edit(request: UserRequest, code: str) -> HttpResponse:
    """One rule's parameters; a rule that would flag too many homes asks to be confirmed."""
    _require_rule_editor(request)
    rule = RentalRule.objects.filter(code=code).first()
    if rule is None:
        raise NotFound(_("No such rule."), code="rule_not_found")
    error: DomainError | None = None
    if request.method == "POST":
        try:
            _rule_save(request, rule)
        except (InvalidInput, Conflict) as refused:
            error = refused
            error.problems = labelled(refused.problems, RULE_LABELS)
        else:
            messages.success(request, _("The rule is saved."))
            return redirect("rentals:list")
    post = request.POST if error else None
    params = [
        (
            name,
            RULE_LABELS.get(name, name),
            post.get(f"p-{name}", "")
            if post
            else ", ".join(value)
            if isinstance(value, list)
            else value,
        )
        for name, value in {**rules.DEFAULT_PARAMS[rule.kind], **rule.params}.items()
        if name in rules.DEFAULT_PARAMS[rule.kind]
    ]
    return render(
        request,
        "rentals/rule.html",
        {
            "rule": rule,
            "error": error,
            "too_broad": isinstance(error, Conflict),
            "params": params,
            "name": post.get("name", "") if post else rule.name,
            "active": (post.get("active") == "on") if post else rule.active,
            "max_share": post.get("max_share", "") if post else f"{rule.max_share * 100:g}",
        },
    )


@page_view
def meters(request: UserRequest) -> HttpResponse:
    """Upload a meter CSV; a refused file lists every bad line and writes nothing."""
    user = request.user
    if user.role not in actions.CENTRE_ROLES:
        raise PermissionDenied(_("Only centre staff may import meter readings."))
    error: InvalidInput | None = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise InvalidInput(_("Choose a CSV file."), code="no_file")
            batch = actions.meter_import(actor=user, name=upload.name or "", content=upload.read())
        except InvalidInput as refused:
            error = refused
            error.problems = labelled(refused.problems, METER_LABELS)
        else:
            messages.success(
                request,
                _("%(rows)d readings imported; %(unknown)d for homes the registry does not know.")
                % {"rows": batch.rows, "unknown": batch.unknown},
            )
            return redirect("rentals:meters")
    batches = selectors.batches_visible(user).select_related("node")[:50]
    return render(request, "rentals/meters.html", {"batches": batches, "error": error})
