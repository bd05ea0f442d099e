"""Inspection pages: the grid worker's inspections on the phone, the rectifications, and the
hazard ledger of a node. Thin: every write is inspections.actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import ADMIN_ROLES, ASSIGNMENT_ROLES, Role
from gridgov.core.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from gridgov.core.pages import page_view
from gridgov.fieldwork.selectors import field_task_get
from gridgov.inspections import actions, selectors
from gridgov.inspections.forms import VenueFlagForm
from gridgov.inspections.models import Inspection, RectificationStatus, Target, VenueKind
from gridgov.jurisdiction.selectors import node_get, scope_root

# The service's roles at a level; a department meets hazards as events, administrators run
# the platform (the menu offers the pages to these roles only).
PAGE_ROLES = frozenset(Role) - ADMIN_ROLES - ASSIGNMENT_ROLES - {Role.DEPARTMENT_HANDLER}


def _require_page(request: UserRequest) -> None:
    if request.user.role not in PAGE_ROLES:
        raise PermissionDenied(_("Inspections are not part of your work."), code="not_service")


@page_view
def home(request: UserRequest) -> HttpResponse:
    _require_page(request)
    return render(
        request,
        "inspections/home.html",
        {
            "to_do": selectors.inspections_to_do(request.user)[:200],
            "now": timezone.now(),
            "may_flag": request.user.role in actions.FLAGGERS,
        },
    )


@page_view
def task(request: UserRequest, task_id: int) -> HttpResponse:
    """Where the task list's link lands: the inspection that has this field task."""
    _require_page(request)
    found = field_task_get(request.user, task_id)
    inspection = selectors.inspections_visible(request.user).filter(field_task=found).first()
    if inspection is None:
        return redirect("inspections:home")
    return redirect("inspections:inspection", inspection.pk)


def _answers(inspection: Inspection, post: Any) -> list[actions.Answer]:
    return [
        actions.Answer(
            str(item["code"]),
            post.get(f"item-{item['code']}") == "pass",
            post.get(f"note-{item['code']}", "").strip(),
        )
        for item in selectors.inspection_items(inspection)
        if post.get(f"item-{item['code']}") in {"pass", "fail"}
    ]


def _coordinate(posted: str) -> float | None:
    """The phone's position as posted; nothing (no position found) or not a number is none,
    and the action decides what a missing one means."""
    try:
        return float(posted) if posted else None
    except ValueError:
        return None


@page_view
def inspection(request: UserRequest, inspection_id: int) -> HttpResponse:
    _require_page(request)
    user = request.user
    found = selectors.inspection_get(user, inspection_id)
    shown = found.checklist or selectors.checklist_current(found.venue.kind)
    version = shown.version if shown is not None else None
    error: DomainError | None = None
    if request.method == "POST" and found.status == "due":
        posted = request.POST.get("checklist_version", "")
        try:
            actions.inspection_record(
                actor=user,
                inspection_id=found.pk,
                answers=_answers(found, request.POST),
                checklist_version=int(posted) if posted.isdigit() else None,
                note=request.POST.get("note", ""),
                lon=_coordinate(request.POST.get("lon", "")),
                lat=_coordinate(request.POST.get("lat", "")),
                photos=request.FILES.getlist("photos"),
                item_photos={
                    str(item["code"]): request.FILES.getlist(f"photo-{item['code']}")
                    for item in selectors.inspection_items(found)
                    if request.FILES.getlist(f"photo-{item['code']}")
                },
            )
        except (InvalidInput, Conflict) as exc:
            error = exc
        else:
            done = selectors.inspection_get(user, found.pk)
            count = done.rectifications.count()
            if count:
                messages.warning(
                    request,
                    _("Saved: %(n)d hazards found, each opened as a rectification.") % {"n": count},
                )
            else:
                messages.success(request, _("Saved: the inspection passed."))
            return redirect("inspections:inspection", found.pk)
    items = [
        {
            **item,
            "answer": request.POST.get(f"item-{item['code']}", ""),
            "note": request.POST.get(f"note-{item['code']}", ""),
        }
        for item in selectors.inspection_items(found)
    ]
    return render(
        request,
        "inspections/inspection.html",
        {
            "inspection": found,
            "items": items,
            "checklist_version": version if found.rectification_id is None else None,
            "note": request.POST.get("note", ""),
            "photos": list(found.photos.all()),
            "error": error,
        },
        status=error.status if error else 200,
    )


@page_view
def rectifications(request: UserRequest) -> HttpResponse:
    _require_page(request)
    status = request.GET.get("status", "")
    rows = selectors.rectifications_visible(request.user).order_by("due_at", "id")
    if status in RectificationStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "inspections/rectifications.html",
        {
            "rectifications": rows[:200],
            "status": status,
            "statuses": RectificationStatus.choices,
        },
    )


@page_view
def ledger(request: UserRequest) -> HttpResponse:
    _require_page(request)
    user = request.user
    code = request.GET.get("node", "")
    node = node_get(user, code) if code else scope_root(user)
    since, until = request.GET.get("since", ""), request.GET.get("until", "")
    total, children = selectors.hazard_ledger(
        user, node, selectors.day_start(since), selectors.day_start(until)
    )
    return render(
        request,
        "inspections/ledger.html",
        {"total": total, "rows": [total, *children], "since": since, "until": until},
    )


def _flag_refused(form: VenueFlagForm, error: DomainError) -> None:
    form.add_error(None, str(error.message))
    for problem in error.problems:
        form.add_error(None, str(problem.message))


def _flag(request: UserRequest, form: VenueFlagForm, kind: VenueKind) -> HttpResponse | None:
    """The flag itself: a redirect back to the search once done, None when refused (the
    refusal is added to the form)."""
    record = form.cleaned_data["record"]
    target = "organisation_id" if kind.target == Target.ORGANISATION else "home_id"
    try:
        venue = actions.venue_flag(actor=request.user, kind_code=kind.code, **{target: record})
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        for problem in exc.problems:
            form.add_error(None, str(problem.message))
        return None
    messages.success(
        request,
        _("%(name)s is flagged as %(kind)s; it is inspected on the kind's schedule.")
        % {"name": venue.name, "kind": kind.name},
    )
    query = urlencode({"kind": kind.code, "q": form.cleaned_data["q"]})
    return redirect(f"{reverse('inspections:flag')}?{query}")


@page_view
def venue_flag(request: UserRequest) -> HttpResponse:
    """Mark a registry organisation or home as a venue of a kind, so it is inspected on the
    kind's schedule: search by name or address, then flag the record found."""
    if request.user.role not in actions.FLAGGERS:
        raise PermissionDenied(_("Your role may not flag venues."), code="not_flagger")
    flagging = request.method == "POST"
    data = request.POST if flagging else (request.GET if "kind" in request.GET else None)
    form = VenueFlagForm(data, kinds=list(selectors.kinds_active()), flagging=flagging)
    status, candidates = 200, []
    if data is not None:
        valid = form.is_valid()
        code = form.cleaned_data.get("kind")
        kind = selectors.kind_get(code) if code else None
        if valid and flagging and kind is not None:
            done = _flag(request, form, kind)
            if done is not None:
                return done
        status = 200 if form.is_valid() else 422
        if kind is not None:
            candidates = selectors.flag_candidates(
                request.user, kind, form.cleaned_data.get("q", "")
            )
    return render(
        request, "inspections/flag.html", {"form": form, "candidates": candidates}, status=status
    )
