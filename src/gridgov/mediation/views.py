"""Mediation pages: the dispute list (cards, for the phone too), registration, conversion of an
event, the dispute page with its steps, sessions, agreement and parties, the follow-up visit,
and the figures. Thin: the actions decide and refuse."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import UNMASK_ROLES
from gridgov.core.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from gridgov.core.pages import page_view
from gridgov.events.selectors import event_get
from gridgov.fieldwork.selectors import field_task_get
from gridgov.jurisdiction.selectors import grids_visible
from gridgov.mediation import actions, figures, selectors
from gridgov.mediation.agreement import agreement_pdf, file_response, signed_scan_read
from gridgov.mediation.forms import (
    FollowUpForm,
    MediationForm,
    RegisterForm,
    ScanForm,
    SessionForm,
    StepForm,
    UnmaskForm,
)
from gridgov.mediation.workflow import (
    FIGURE_ROLES,
    READ_ROLES,
    REGISTER_ROLES,
    Command,
    Status,
    allowed_commands,
)
from gridgov.registry.actions import RateLimited

LIST_LIMIT = 200
# The list's filter for every state still being worked on (the desks' count opens it).
OPEN = "open"


def _require(user: Any, roles: frozenset[str]) -> None:
    """Pages of a role outside the table answer 403, as their menu leaves them out."""
    if user.role not in roles:
        raise PermissionDenied(_("Your role does not work on disputes."), code="not_permitted")


@page_view
def dispute_list(request: UserRequest) -> HttpResponse:
    _require(request.user, READ_ROLES)
    status = request.GET.get("status", "")
    disputes = selectors.disputes_visible(request.user)
    if status == OPEN:
        disputes = selectors.disputes_open(request.user)
    elif status in Status.values:
        disputes = disputes.filter(status=status)
    return render(
        request,
        "mediation/list.html",
        {
            "disputes": disputes[:LIST_LIMIT],
            "statuses": [(OPEN, _("being mediated")), *Status.choices],
            "status": status,
            "can_register": request.user.role in REGISTER_ROLES,
        },
    )


def _problems_to(form: Any, error: DomainError) -> None:
    for problem in error.problems:
        form.add_error(None, f"{problem.message}")
    if not error.problems:
        form.add_error(None, str(error.message))


@page_view
def dispute_register(request: UserRequest) -> HttpResponse:
    user = request.user
    _require(user, REGISTER_ROLES)
    form = RegisterForm(request.POST or None, grids=grids_visible(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute = actions.dispute_register(
                actor=user,
                dispute_type=data["dispute_type"],
                source=data["source"],
                summary=data["summary"],
                grid_code=data["grid"],
                address=data["address"],
                parties=form.parties(),
                risk_level=data["risk_level"],
                mediator_kind=data["mediator_kind"],
                mediator_name=data["mediator_name"],
                amount=data["amount"],
            )
        except InvalidInput as exc:
            _problems_to(form, exc)
        else:
            messages.success(request, _("The dispute was registered."))
            return redirect("mediation:detail", dispute.pk)
    return render(
        request, "mediation/register.html", {"form": form}, status=422 if form.errors else 200
    )


@page_view
def dispute_from_event(request: UserRequest, number: str) -> HttpResponse:
    user = request.user
    event = event_get(user, number)
    form = MediationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute = actions.dispute_from_event(
                actor=user,
                event_number=event.number,
                parties=form.parties(),
                risk_level=data["risk_level"],
                mediator_kind=data["mediator_kind"],
                mediator_name=data["mediator_name"],
                amount=data["amount"],
            )
        except (InvalidInput, Conflict) as exc:
            _problems_to(form, exc)
        else:
            messages.success(request, _("The event became a dispute."))
            return redirect("mediation:detail", dispute.pk)
    return render(
        request,
        "mediation/from_event.html",
        {"form": form, "event": event},
        status=422 if form.errors else 200,
    )


@page_view
def dispute_detail(request: UserRequest, dispute_id: int) -> HttpResponse:
    user = request.user
    dispute = selectors.dispute_get(user, dispute_id)
    parties = list(selectors.dispute_parties(dispute))
    choices = [(p.pk, p.name) for p in parties]
    departments = selectors.whistle_departments(user, dispute)
    initial = {"expected_version": dispute.version}
    steps = [
        (command, StepForm(parties=choices, departments=departments, initial=initial))
        for command in allowed_commands(user.role, dispute.status)
    ]
    return render(
        request,
        "mediation/detail.html",
        {
            "dispute": dispute,
            "whistles": selectors.dispute_whistles(user, dispute),
            "parties": parties,
            "sessions": selectors.dispute_sessions(dispute),
            "steps_taken": selectors.dispute_steps(dispute),
            "commands": steps,
            "Command": Command,
            "can_record_session": dispute.status in (Status.ACCEPTED, Status.MEDIATING)
            and user.role in REGISTER_ROLES,
            "session_form": SessionForm(),
            "scan_form": ScanForm(),
            "can_unmask": user.role in UNMASK_ROLES,
            "unmask_form": UnmaskForm(),
        },
    )


@require_POST
@page_view
def dispute_step(request: UserRequest, dispute_id: int, command: str) -> HttpResponse:
    user = request.user
    dispute = selectors.dispute_get(user, dispute_id)
    choices = [(p.pk, p.name) for p in selectors.dispute_parties(dispute)]
    departments = selectors.whistle_departments(user, dispute)
    form = StepForm(request.POST, parties=choices, departments=departments)
    if not form.is_valid():
        messages.error(request, _("The step cannot be taken."))
        return redirect("mediation:detail", dispute.pk)
    try:
        actions.dispute_apply(
            actor=user,
            dispute_id=dispute.pk,
            command=command,
            expected_version=form.cleaned_data["expected_version"],
            note=form.cleaned_data["note"],
            payload=form.payload(),
        )
    except (InvalidInput, Conflict) as exc:
        for problem in exc.problems:
            messages.error(request, str(problem.message))
        if not exc.problems:
            messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return redirect("mediation:detail", dispute.pk)


@require_POST
@page_view
def session_add(request: UserRequest, dispute_id: int) -> HttpResponse:
    dispute = selectors.dispute_get(request.user, dispute_id)
    form = SessionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.session_add(
                actor=request.user,
                dispute_id=dispute.pk,
                held_at=data["held_at"],
                place=data["place"],
                participants=data["participants"],
                notes=data["notes"],
                attachment=data["attachment"],
            )
        except (InvalidInput, Conflict) as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The session was recorded."))
    else:
        messages.error(request, _("The session cannot be recorded."))
    return redirect("mediation:detail", dispute.pk)


@page_view
def agreement(request: UserRequest, dispute_id: int) -> HttpResponse:
    return file_response(*agreement_pdf(request.user, dispute_id))


@page_view
def signed_scan(request: UserRequest, dispute_id: int) -> HttpResponse:
    """GET: the signed agreement as kept; POST: keep it."""
    if request.method != "POST":
        return file_response(*signed_scan_read(request.user, dispute_id))
    dispute = selectors.dispute_get(request.user, dispute_id)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.agreement_scan_attach(
                actor=request.user, dispute_id=dispute.pk, upload=form.cleaned_data["scan"]
            )
        except (InvalidInput, Conflict) as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The signed agreement is kept."))
    return redirect("mediation:detail", dispute.pk)


@never_cache
@require_POST
@page_view
def party_unmask(request: UserRequest, party_id: int) -> HttpResponse:
    """The value in full, shown once on a page of its own and never cached."""
    party = selectors.party_get(request.user, party_id)
    form = UnmaskForm(request.POST)
    context: dict[str, Any] = {"party": party, "form": form}
    status = 200
    if form.is_valid():
        try:
            context["value"] = actions.party_unmask(
                actor=request.user,
                party_id=party.pk,
                field=form.cleaned_data["field"],
                purpose=form.cleaned_data["purpose"],
            )
        except (InvalidInput, RateLimited) as exc:
            context["error"] = exc
            status = exc.status
    return render(request, "mediation/unmask.html", context, status=status)


@page_view
def follow_up(request: UserRequest, task_id: int) -> HttpResponse:
    """The follow-up visit's result form, opened from the grid worker's task list."""
    user = request.user
    task = field_task_get(user, task_id)
    dispute = selectors.dispute_get(user, int(task.payload.get("dispute_id") or 0))
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.follow_up_record(
                actor=user,
                task_id=task.pk,
                kept=form.cleaned_data["kept"],
                note=form.cleaned_data["note"],
            )
        except (InvalidInput, Conflict) as exc:
            _problems_to(form, exc)
        else:
            messages.success(request, _("The follow-up visit was recorded."))
            return redirect("mediation:detail", dispute.pk)
    return render(
        request,
        "mediation/follow_up.html",
        {"form": form, "task": task, "dispute": dispute},
        status=422 if form.errors else 200,
    )


@page_view
def figures_page(request: UserRequest) -> HttpResponse:
    _require(request.user, FIGURE_ROLES)
    table = figures.mediation_figures(request.user, by=request.GET.get("by", "grid"))
    return render(request, "mediation/figures.html", {"table": table, "by": table.by})
