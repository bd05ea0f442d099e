"""The panorama (全景网格), prompt notices and the departments' monthly data entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import ADMIN_ROLES, ASSIGNMENT_ROLES, Role
from gridgov.assessment.selectors import period_of
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.core.pages import page_view
from gridgov.events.selectors import category_tree
from gridgov.insight import actions, selectors
from gridgov.insight.measures import INDEX_PREFIX
from gridgov.insight.present import tone_of
from gridgov.insight.workflow import AREA_ROLES, CENTRE_ROLES, TRANSITIONS, NoticeCommand
from gridgov.jurisdiction import selectors as jurisdiction
from gridgov.jurisdiction.breadcrumbs import breadcrumbs

# The pages' readers: the panorama for everyone who serves residents except the grid
# worker (whose home is the task list); notices for the centre, the areas and analysts;
# the monthly data entry for the departments.
PANORAMA_ROLES = frozenset(Role) - ADMIN_ROLES - ASSIGNMENT_ROLES - {Role.GRID_WORKER}
NOTICE_ROLES = CENTRE_ROLES | AREA_ROLES | {Role.ANALYST}
FIGURE_ROLES = frozenset({Role.DEPARTMENT_HANDLER})

SLIDER_MONTHS = 12
CODE_SLOT = "CODE"


def _require(user: Any, roles: frozenset[str]) -> None:
    if user.role not in roles:
        raise PermissionDenied(_("This page is not for your role."))


def _months(last: date, count: int) -> list[date]:
    index = last.year * 12 + last.month - 1
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(count - 1, -1, -1)]


def _month_arg(raw: str, default: date) -> date:
    try:
        return date.fromisoformat(f"{raw}-01") if raw else default
    except ValueError:
        return default


@page_view
def panorama(request: UserRequest, code: str | None = None) -> HttpResponse:
    """The children of a node coloured by a measure, the same figures as a table, the node's
    trend as a chart, and the events as a heat layer for the month."""
    user = request.user
    _require(user, PANORAMA_ROLES)
    node = jurisdiction.node_get(user, code) if code else jurisdiction.scope_root(user)
    this_month = timezone.localdate().replace(day=1)
    month = _month_arg(request.GET.get("month", ""), this_month)
    infos = selectors.measure_infos()
    measure = request.GET.get("measure", "") or infos[0].code
    view = selectors.panorama(user, node, measure, month, infos)
    decimals = view.measure.decimals
    rows = [
        {
            "area": a,
            "text": "—" if a.value is None else f"{a.value:,.{decimals}f}",
            "tone": tone_of(a.klass, view.breaks, view.measure.higher_is_better),
        }
        for a in view.areas
    ]
    edges = [f"{b:,.{decimals}f}" for b in view.breaks]
    legend = [
        (tone_of(k, view.breaks, view.measure.higher_is_better), text)
        for k, text in enumerate(
            [f"< {edges[0]}"] + [f"{a} – {b}" for a, b in zip(edges, edges[1:], strict=False)]
            + [f"≥ {edges[-1]}"]
            if edges
            else []
        )
    ]  # fmt: skip
    months = _months(max(this_month, month), SLIDER_MONTHS)
    heat = period_of("month", month)
    days = (
        selectors.index_days(
            user,
            measure.removeprefix(INDEX_PREFIX),
            node,
            min(heat.last, timezone.localdate()),
        )
        if measure.startswith(INDEX_PREFIX)
        else []
    )
    return render(
        request,
        "insight/panorama.html",
        {
            "view": view,
            "rows": rows,
            "legend": legend,
            "measures": infos,
            "indices": [m for m in infos if m.code.startswith(INDEX_PREFIX)],
            "months": months,
            "month_index": months.index(month) if month in months else len(months) - 1,
            "path": breadcrumbs(user, node),
            "api_url": reverse("api:insight_panorama"),
            "geojson_url": reverse("api:node_geojson", args=[node.code]),
            "area_url": reverse("insight:panorama_node", args=[CODE_SLOT]),
            "categories": category_tree(),
            "heat_url": reverse("events:map_heat"),
            "people_url": reverse("insight:people_heat"),
            "heat_since": heat.start,
            "heat_until": heat.last,
            "days": days,
            "may_edit_indices": actions.may_define_indices(user),
        },
    )


@page_view
def people_heat(request: UserRequest) -> HttpResponse:
    """The population heat layer's points under a node: [lat, lon, people] per grid."""
    _require(request.user, PANORAMA_ROLES)
    points = selectors.people_points(request.user, request.GET.get("node", ""))
    return JsonResponse(
        {"points": [list(p) for p in points], "max": max((p[2] for p in points), default=0)}
    )


@page_view
def notice_list(request: UserRequest) -> HttpResponse:
    _require(request.user, NOTICE_ROLES)
    notices = (
        selectors.notices_visible(request.user)
        .select_related("node", "index")
        .order_by("-month", "node__code")[:200]
    )
    return render(request, "insight/notices.html", {"notices": notices})


@page_view
def notice(request: UserRequest, notice_id: int) -> HttpResponse:
    """A notice's explanation and timeline, with the steps open to the caller in its state."""
    user = request.user
    _require(user, NOTICE_ROLES)
    if request.method == "POST":
        command = request.POST.get("command", "")
        actions.notice_step(
            actor=user,
            notice_id=notice_id,
            command=command,
            note=request.POST.get("note", ""),
            measures=request.POST.get("measures", ""),
        )
        messages.success(request, _("The prompt notice is updated."))
        return redirect("insight:notice", notice_id)
    item = selectors.notice_get(user, notice_id)
    commands = [
        (c, NoticeCommand(c).label)
        for (state, c) in TRANSITIONS
        if state == item.status and actions.may_step(user, item, c)
    ]
    return render(
        request,
        "insight/notice.html",
        {"notice": item, "commands": commands, "steps": item.steps.select_related("actor")},
    )


@page_view
def figures(request: UserRequest) -> HttpResponse:
    """A department's monthly figures for its areas, every one kept or none: a value outside
    its plausible range sends the form back with a box to confirm it."""
    user = request.user
    _require(user, FIGURE_ROLES)
    kinds = list(selectors.figure_kinds_of(user))
    department = user.department
    areas = []
    if department is not None and kinds:
        root = jurisdiction.node_get(user, department.node.code)
        areas = [root, *jurisdiction.node_children(user, root)]
    month = _month_arg(request.POST.get("month", "") or request.GET.get("month", ""),
                       _months(timezone.localdate().replace(day=1), 2)[0])  # fmt: skip
    problems: dict[str, str] = {}
    if request.method == "POST":
        problems = _enter(request, kinds, areas, month)
        if not problems:
            messages.success(request, _("The figures are saved."))
            return redirect(f"{reverse('insight:figures')}?month={month:%Y-%m}")
    entered = selectors.figures_entered(user, month)
    grid = [
        (
            area,
            [
                {
                    "name": f"v-{kind.code}-{area.code}",
                    "kind": kind,
                    "value": request.POST.get(f"v-{kind.code}-{area.code}")
                    or str(entered.get((kind.pk, area.pk), "")),
                    "problem": problems.get(f"v-{kind.code}-{area.code}", ""),
                }
                for kind in kinds
            ],
        )
        for area in areas
    ]
    return render(
        request,
        "insight/figures.html",
        {"kinds": kinds, "grid": grid, "month": month, "problems": problems},
    )


def _enter(request: UserRequest, kinds: list[Any], areas: list[Any], month: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    confirm = request.POST.get("confirm") == "on"
    try:
        with transaction.atomic():
            for area in areas:
                for kind in kinds:
                    name = f"v-{kind.code}-{area.code}"
                    raw = request.POST.get(name, "").strip()
                    if not raw:
                        continue
                    try:
                        value = float(raw)
                    except ValueError:
                        problems[name] = _("Not a number.")
                        continue
                    try:
                        actions.figure_enter(actor=request.user, kind_code=kind.code,
                                             node_code=area.code, month=month, value=value,
                                             confirm=confirm)  # fmt: skip
                    except InvalidInput as refused:
                        problems[name] = str(refused.message)
            if problems:
                raise InvalidInput(_("Nothing was saved."))
    except InvalidInput:
        return problems
    return problems
