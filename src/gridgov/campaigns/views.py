"""Campaign pages: the centre's list, definition, push, counts and call import; the grid
worker's targets and the answer form on the phone. Every write goes through actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gridgov.accounts.requests import UserRequest
from gridgov.campaigns import actions, selectors
from gridgov.campaigns.catalogue import TEMPLATES
from gridgov.campaigns.forms import CampaignForm, FieldRows, definition, rows_of
from gridgov.campaigns.models import Campaign, Status, TargetState
from gridgov.campaigns.runtime import answer_form_class
from gridgov.campaigns.workflow import ANSWER_ROLES, CENTRE_ROLES, READ_ROLES
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.core.forms import UploadForm
from gridgov.core.pages import page_view
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import nodes_visible, scope_root


@page_view
def campaign_list(request: UserRequest) -> HttpResponse:
    user = request.user
    if user.role not in READ_ROLES:
        raise PermissionDenied(
            _("Campaigns are the centres' and the grids' work."), code="not_reader"
        )
    campaigns = selectors.campaigns_visible(user).order_by("-created_at")[:100]
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": campaigns,
            "templates": TEMPLATES.values() if user.role in CENTRE_ROLES else (),
            "centre": user.role in CENTRE_ROLES,
        },
    )


def _area_choices(request: UserRequest) -> list[tuple[str, str]]:
    root = scope_root(request.user)
    nodes = (
        nodes_visible(request.user)
        .filter(level__lte=min(root.level + 2, Level.COMMUNITY))
        .order_by("code")
    )
    return [(n.code, n.name) for n in nodes]


def _local_aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@page_view
def campaign_new(request: UserRequest) -> HttpResponse:
    """Define a campaign, from a template (?template=code) or from empty rows."""
    user = request.user
    if user.role not in CENTRE_ROLES:
        raise PermissionDenied(_("Only a centre defines campaigns."), code="not_centre")
    template = TEMPLATES.get(request.GET.get("template", ""))
    initial: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    if template is not None:
        initial = {
            "title": template.title,
            "instructions": template.instructions,
            "target_kind": template.target_kind,
            "target_category": template.target_category,
            "due_at": (timezone.localtime() + timedelta(days=template.days)).replace(
                second=0, microsecond=0
            ),
            "template": template.code,
        }
        rows = rows_of(template.form)
    areas = _area_choices(request)
    form = CampaignForm(request.POST or None, request.FILES or None, areas=areas, initial=initial)
    fields = FieldRows(request.POST or None, initial=rows, prefix="f")
    error = None
    if request.method == "POST" and form.is_valid() and fields.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.campaign_define(
                actor=user,
                title=data["title"],
                instructions=data["instructions"],
                form=definition(fields.cleaned_data),
                target_kind=data["target_kind"],
                target_category=data["target_category"],
                target_lines=form.lines(),
                areas=data["areas"],
                due_at=_local_aware(data["due_at"]),
                template=data["template"],
            )
        except InvalidInput as exc:
            error = exc
        else:
            messages.success(request, _("The campaign is defined; push it when ready."))
            return redirect("campaigns:detail", campaign.pk)
    invalid = request.method == "POST" and (error or form.errors or fields.errors)
    return render(
        request,
        "campaigns/new.html",
        {"form": form, "fields": fields, "error": error, "template": template},
        status=422 if invalid else 200,
    )


def _detail_context(request: UserRequest, campaign: Campaign) -> dict[str, Any]:
    user = request.user
    counts = selectors.grid_counts(user, campaign)
    return {
        "campaign": campaign,
        "counts": counts,
        "total": selectors.totals(counts),
    }


@page_view
def campaign_detail(request: UserRequest, campaign_id: int) -> HttpResponse:
    user = request.user
    campaign = selectors.campaign_get(user, campaign_id)
    context = _detail_context(request, campaign)
    answering = user.role in ANSWER_ROLES and campaign.status == Status.RUNNING
    context.update(
        {
            "version": selectors.form_current(campaign),
            "versions": selectors.form_versions(campaign),
            "tallies": selectors.tabulate(user, campaign),
            "centre": user.role in CENTRE_ROLES,
            "open_targets": selectors.targets_of(user, campaign, state=TargetState.OPEN)[:200]
            if answering
            else (),
            "imports": selectors.call_imports(user, campaign)[:10],
            "upload": UploadForm(),
            "log": selectors.campaign_log(campaign),
        }
    )
    return render(request, "campaigns/detail.html", context)


@page_view
def campaign_form(request: UserRequest, campaign_id: int) -> HttpResponse:
    """Change the questions; once answers exist the change is a new version."""
    user = request.user
    if user.role not in CENTRE_ROLES:
        raise PermissionDenied(_("Only a centre defines campaigns."), code="not_centre")
    campaign = selectors.campaign_get(user, campaign_id)
    current = selectors.form_current(campaign)
    fields = FieldRows(request.POST or None, initial=rows_of(current.definition), prefix="f")
    error = None
    if request.method == "POST" and fields.is_valid():
        try:
            version = actions.campaign_form_change(
                actor=user, campaign_id=campaign.pk, form=definition(fields.cleaned_data)
            )
        except InvalidInput as exc:
            error = exc
        else:
            messages.success(
                request, _("The form is saved as version %(n)d.") % {"n": version.number}
            )
            return redirect("campaigns:detail", campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"campaign": campaign, "fields": fields, "error": error, "version": current},
        status=422 if error or fields.errors else 200,
    )


@page_view
def campaign_counts(request: UserRequest, campaign_id: int) -> HttpResponse:
    """The live counts' fragment, polled by the campaign page."""
    campaign = selectors.campaign_get(request.user, campaign_id)
    return render(request, "campaigns/_counts.html", _detail_context(request, campaign))


@require_POST
@page_view
def campaign_push(request: UserRequest, campaign_id: int) -> HttpResponse:
    actions.campaign_push(actor=request.user, campaign_id=campaign_id)
    messages.success(request, _("The campaign is being pushed to the grids."))
    return redirect("campaigns:detail", campaign_id)


@require_POST
@page_view
def campaign_close(request: UserRequest, campaign_id: int) -> HttpResponse:
    actions.campaign_close(actor=request.user, campaign_id=campaign_id)
    messages.success(request, _("The campaign is closed."))
    return redirect("campaigns:detail", campaign_id)


@require_POST
@page_view
def calls_import(request: UserRequest, campaign_id: int) -> HttpResponse:
    selectors.campaign_get(request.user, campaign_id)
    if request.user.role not in CENTRE_ROLES:
        raise PermissionDenied(_("Only a centre defines campaigns."), code="not_centre")
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        raise InvalidInput(_("Choose the call robot's CSV file."), code="file_required")
    record = actions.calls_import(
        actor=request.user, campaign_id=campaign_id, content=upload.cleaned_data["file"]
    )
    messages.success(
        request,
        _("%(reached)d reached, %(unreached)d not reached, %(unknown)d lines not used.")
        % {
            "reached": record.reached,
            "unreached": record.unreached,
            "unknown": len(record.unknown),
        },
    )
    return redirect("campaigns:detail", campaign_id)


@page_view
def task_result(request: UserRequest, task_id: int) -> HttpResponse:
    """Where the worker's task list sends a campaign task: its target's answer page."""
    target = selectors.target_of_task(request.user, task_id)
    return redirect("campaigns:answer", target.pk)


@page_view
def target_answer(request: UserRequest, target_id: int) -> HttpResponse:
    """The answer form of one target, on the phone."""
    user = request.user
    target = selectors.target_get(user, target_id)
    campaign = target.campaign
    version = selectors.form_current(campaign)
    form_class = answer_form_class(version.definition)
    form = form_class(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST":
        # The action validates with the same built form; the bound one shows its errors.
        try:
            actions.answer_submit(
                actor=user,
                target_id=target.pk,
                data=request.POST,
                files=dict(request.FILES.lists()),
            )
        except InvalidInput as exc:
            error = exc
        else:
            messages.success(request, _("Answer saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(
        request,
        "campaigns/answer.html",
        {"target": target, "campaign": campaign, "form": form, "error": error},
        status=422 if error else 200,
    )
