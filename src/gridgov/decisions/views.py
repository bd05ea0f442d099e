"""Major decision pages: the list with its figures, registering, a decision and its follow-up,
an assessment and its records, and the audited reveal of a participant's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import UNMASK_ROLES, Capability
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.core.pages import page_view
from gridgov.decisions import actions, forms, selectors
from gridgov.decisions.workflow import (
    ASSESSOR_COMMANDS,
    AssessmentKind,
    AssessmentStatus,
    Outcome,
    Status,
    allowed,
    assessment_allowed,
    suggested_level,
)
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import nodes_visible


def _step(
    request: UserRequest,
    form: Form,
    run: Callable[[dict[str, Any]], object],
    back: str,
    *args: object,
) -> HttpResponse:
    """Check the posted form, run its step with what it cleaned, tell how it went, and show
    the page it came from again; nothing runs on a form that does not validate."""
    if not form.is_valid():
        return _invalid(request, form, back, *args)
    try:
        run(form.cleaned_data)
    except (InvalidInput, Conflict) as exc:
        details = "; ".join(str(p.message) for p in exc.problems)
        messages.error(request, f"{exc.message} {details}".strip())
    else:
        messages.success(request, _("Saved."))
    return redirect(back, *args)


def _invalid(request: UserRequest, form: Form, back: str, *args: object) -> HttpResponse:
    messages.error(
        request,
        "; ".join(
            f"{form[name].label}: {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
        )
        if form.errors
        else _("The form is not complete."),
    )
    return redirect(back, *args)


@page_view
def decision_list(request: UserRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    outcome = request.GET.get("outcome", "")
    return render(
        request,
        "decisions/list.html",
        {
            "decisions": selectors.decisions_filtered(
                user,
                status=status if status in Status.values else "",
                outcome=outcome if outcome in Outcome.values else "",
            )[:200],
            "figures": selectors.decision_figures(user),
            "statuses": Status.choices,
            "outcomes": Outcome.choices,
            "status": status,
            "outcome": outcome,
            "kinds": AssessmentKind.choices,
            "may_manage": user.can(Capability.MANAGE_DECISIONS),
        },
    )


@page_view
def decision_register(request: UserRequest) -> HttpResponse:
    user = request.user
    actions.require_manager(user)
    nodes = [
        (node.code, node.name)
        for node in nodes_visible(user)
        .filter(level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY])
        .order_by("code")
    ]
    form = forms.RegisterForm(request.POST or None, nodes=nodes)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = actions.decision_register(
                actor=user,
                title=data["title"],
                category_code=data["category"].code,
                decided_by=data["decided_by"],
                node_code=data["node"],
                people_affected=data["people_affected"],
                planned_on=data["planned_on"],
                description=data["description"],
                area_description=data["area_description"],
            )
        except InvalidInput as exc:
            error = exc
        else:
            messages.success(request, _("The decision was registered."))
            return redirect("decisions:detail", decision.pk)
    return render(
        request,
        "decisions/register.html",
        {"form": form, "error": error},
        status=422 if error or form.errors else 200,
    )


@page_view
def decision_detail(request: UserRequest, decision_id: int) -> HttpResponse:
    user = request.user
    decision = selectors.decision_get(user, decision_id)
    assessments = list(selectors.decision_assessments(user, decision))
    completed = [a for a in assessments if a.status == AssessmentStatus.COMPLETED]
    manager = user.can(Capability.MANAGE_DECISIONS)
    return render(
        request,
        "decisions/detail.html",
        {
            "decision": decision,
            "assessments": assessments,
            # The risk points of the latest completed assessment carry the follow-up.
            "record": selectors.assessment_record(user, completed[0]) if completed else None,
            "commands": [c for c in allowed(decision.status) if c != "assess"] if manager else [],
            "may_commission": manager and "assess" in allowed(decision.status),
            "may_mitigate": manager and decision.status in actions.MITIGATION_STATUSES,
            "manager": manager,
            "kinds": AssessmentKind.choices,
            "assessors": selectors.assessors_for(decision.node) if manager else [],
            "log": selectors.decision_log(decision),
        },
    )


@require_POST
@page_view
def decision_command(request: UserRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get(request.user, decision_id)
    form = forms.CommandForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.decision_apply(
            actor=request.user,
            decision_id=decision.pk,
            command=data["command"],
            note=data["note"],
            expected_version=data["version"],
        ),
        "decisions:detail",
        decision.pk,
    )


@require_POST
@page_view
def decision_commission(request: UserRequest, decision_id: int) -> HttpResponse:
    decision = selectors.decision_get(request.user, decision_id)
    form = forms.CommissionForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.assessment_commission(
            actor=request.user,
            decision_id=decision.pk,
            kind=data["kind"],
            assessor_id=data["assessor"] if data["kind"] == AssessmentKind.THIRD_PARTY else None,
            note=data["note"],
            expected_version=data["version"],
        ),
        "decisions:detail",
        decision.pk,
    )


@page_view
def assessment_list(request: UserRequest) -> HttpResponse:
    """The assessments the caller may see: an assessor's assignments, the staff's area's."""
    return render(
        request,
        "decisions/assessments.html",
        {"assessments": selectors.assessments_visible(request.user)[:200]},
    )


@page_view
def assessment_detail(request: UserRequest, assessment_id: int) -> HttpResponse:
    user = request.user
    assessment = selectors.assessment_get(user, assessment_id)
    record = selectors.assessment_record(user, assessment)
    third_party = assessment.kind == AssessmentKind.THIRD_PARTY
    is_assessor = (
        user.pk == assessment.assessor_id if third_party else user.can(Capability.MANAGE_DECISIONS)
    )
    manager = user.can(Capability.MANAGE_DECISIONS)
    commands = [
        c
        for c in assessment_allowed(assessment.status)
        if (is_assessor if c in ASSESSOR_COMMANDS else manager)
    ]
    return render(
        request,
        "decisions/assessment.html",
        {
            "assessment": assessment,
            "record": record,
            "suggested": suggested_level([(p.likelihood, p.impact) for p in record.risk_points])
            if record.risk_points
            else None,
            "commands": commands,
            "recording": is_assessor and assessment.status == AssessmentStatus.IN_PROGRESS,
            "consultation_form": forms.ConsultationForm(),
            "risk_form": forms.RiskPointForm(),
            "expert_form": forms.ExpertOpinionForm(),
            "command_form": forms.AssessmentCommandForm(),
            "may_unmask": user.role in UNMASK_ROLES,
        },
    )


@require_POST
@page_view
def assessment_command(request: UserRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, assessment_id)
    form = forms.AssessmentCommandForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.assessment_apply(
            actor=request.user,
            assessment_id=assessment.pk,
            command=data["command"],
            risk_level=data["risk_level"],
            risk_reasons=data["risk_reasons"],
            note=data["note"],
            expected_version=data["version"],
        ),
        "decisions:assessment",
        assessment.pk,
    )


@require_POST
@page_view
def consultation_add(request: UserRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, assessment_id)
    form = forms.ConsultationForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.consultation_record(
            actor=request.user,
            assessment_id=assessment.pk,
            method=data["method"],
            held_on=data["held_on"],
            participants=data["participants"],
            in_favour=data["in_favour"],
            against=data["against"],
            main_concerns=data["main_concerns"],
            people=form.people(),
        ),
        "decisions:assessment",
        assessment.pk,
    )


@require_POST
@page_view
def risk_point_add(request: UserRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, assessment_id)
    form = forms.RiskPointForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.risk_point_record(
            actor=request.user,
            assessment_id=assessment.pk,
            title=data["title"],
            description=data["description"],
            likelihood=data["likelihood"],
            impact=data["impact"],
        ),
        "decisions:assessment",
        assessment.pk,
    )


@require_POST
@page_view
def expert_opinion_add(request: UserRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.assessment_get(request.user, assessment_id)
    form = forms.ExpertOpinionForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.expert_opinion_record(
            actor=request.user, assessment_id=assessment.pk, **data
        ),
        "decisions:assessment",
        assessment.pk,
    )


@require_POST
@page_view
def mitigation_add(request: UserRequest, risk_point_id: int) -> HttpResponse:
    point = selectors.risk_point_get(request.user, risk_point_id)
    decision_id = point.assessment.decision_id
    form = forms.MitigationForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.mitigation_add(actor=request.user, risk_point_id=point.pk, **data),
        "decisions:detail",
        decision_id,
    )


@require_POST
@page_view
def mitigation_done(request: UserRequest, mitigation_id: int) -> HttpResponse:
    mitigation = selectors.mitigation_get(request.user, mitigation_id)
    decision_id = mitigation.risk_point.assessment.decision_id
    form = forms.DoneForm(request.POST)
    return _step(
        request,
        form,
        lambda data: actions.mitigation_done(
            actor=request.user, mitigation_id=mitigation.pk, note=data["note"]
        ),
        "decisions:detail",
        decision_id,
    )


@never_cache
@page_view
def participant_unmask(request: UserRequest, participant_id: int) -> HttpResponse:
    """GET: the form asking why; POST: the value in full, shown once and never cached."""
    participant = selectors.participant_get(request.user, participant_id)
    form = forms.UnmaskForm(request.POST or None, initial={"field": request.GET.get("field", "")})
    context: dict[str, object] = {"participant": participant, "form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                context["value"] = actions.participant_unmask(
                    actor=request.user,
                    participant_id=participant.pk,
                    field=form.cleaned_data["field"],
                    purpose=form.cleaned_data["purpose"],
                )
            except InvalidInput as exc:
                context["error"] = exc
                status = exc.status
        else:
            status = 422
    return render(request, "decisions/unmask.html", context, status=status)
