"""The rental warning's pages: the centre's list with each rule's precision, and a case's
page, which is also the grid worker's result form for the verification task."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.core.errors import DomainError
from gridgov.core.pages import page_view
from gridgov.rentals import actions, selectors
from gridgov.rentals.models import Hazard
from gridgov.rentals.workflow import Status, allowed


@page_view
def case_list(request: UserRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    counts = selectors.status_counts(user)
    return render(
        request,
        "rentals/list.html",
        {
            "cases": selectors.cases_filtered(
                user, status=status if status in Status.values else ""
            )[:200],
            "counts": [(s.value, s.label, counts[s.value]) for s in Status],
            "status": status,
            "precision": selectors.rule_precision(user),
            "may_edit_rules": actions.may_change_rules(user),
            "may_import": user.role in actions.CENTRE_ROLES,
        },
    )


@page_view
def case_detail(request: UserRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(request.user, case_id)
    return render(
        request,
        "rentals/case.html",
        {
            "case": case,
            "allowed": allowed(case.status),
            "hazards": Hazard.choices,
        },
    )


@page_view
def task_result(request: UserRequest, task_id: int) -> HttpResponse:
    """The result form of a rental check in the grid worker's task list: the case's page."""
    return redirect("rentals:case", selectors.case_of_task(request.user, task_id).pk)


@require_POST
@page_view
def case_command(request: UserRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(request.user, case_id)
    people = request.POST.get("people_found", "").strip()
    try:
        actions.case_apply(
            actor=request.user,
            case_id=case.pk,
            command=request.POST.get("command", ""),
            expected_version=int(request.POST.get("version", "0") or 0),
            note=request.POST.get("note", ""),
            finding=request.POST.get("finding", ""),
            people_found=int(people) if people.isdigit() else None,
            hazards=request.POST.getlist("hazards"),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved."))
    return redirect("rentals:case", case.pk)
