"""Pages for browsing the jurisdiction tree, the grid map, grid cards and boundary import."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Capability
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.core.forms import UploadForm
from gridgov.core.pages import UserRequest, page_view
from gridgov.events.selectors import HEAT_DEFAULT_DAYS, category_tree
from gridgov.events.workflow import Status
from gridgov.jurisdiction import geojson_io
from gridgov.jurisdiction import selectors as jurisdiction
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.jurisdiction.models import Level
from gridgov.registry.selectors import registered_count, with_registered
from gridgov.staffing import selectors as staffing
from gridgov.staffing.models import GroupRole, WorkGroup

# Placeholder the map script swaps for a feature's code to build its URLs.
CODE_SLOT = "CODE"


@page_view
def tree(request: UserRequest) -> HttpResponse:
    return redirect("jurisdiction:node", jurisdiction.scope_root(request.user).code)


@page_view
def node(request: UserRequest, code: str) -> HttpResponse:
    current = jurisdiction.node_get(request.user, code)
    counts = jurisdiction.node_level_counts(current)
    return render(
        request,
        "jurisdiction/node.html",
        {
            "node": current,
            "path": breadcrumbs(request.user, current),
            "levels": [(Level(level).label, counts[level]) for level in sorted(counts)],
            "children": with_registered(jurisdiction.node_children(request.user, current)),
        },
    )


@page_view
def children(request: UserRequest, code: str) -> HttpResponse:
    """The children of a node as a list fragment, for expanding the tree in place."""
    if not request.htmx:
        return redirect("jurisdiction:node", code)
    parent = jurisdiction.node_get(request.user, code)
    return render(
        request,
        "jurisdiction/_children.html",
        {"children": with_registered(jurisdiction.node_children(request.user, parent))},
    )


@page_view
def map_view(request: UserRequest, code: str | None = None) -> HttpResponse:
    """A node's children on the map; a grid's map is its community's, with the grid's card open."""
    user = request.user
    root = jurisdiction.scope_root(user)
    shown = jurisdiction.node_get(user, code) if code else root
    selected = shown if shown.is_grid else None
    if shown.is_grid and shown != root and shown.parent is not None:
        shown = shown.parent
    return render(
        request,
        "jurisdiction/map.html",
        {
            "node": shown,
            "selected": selected,
            "path": breadcrumbs(user, shown),
            "children": jurisdiction.node_children(user, shown),
            "geojson_url": reverse("api:node_geojson", args=[shown.code]),
            "map_url": reverse("jurisdiction:map_node", args=[CODE_SLOT]),
            "card_url": reverse("jurisdiction:grid_card", args=[CODE_SLOT]),
            "grid_level": Level.GRID.name.lower(),
            "event_url": reverse("events:detail", args=[CODE_SLOT]),
            "categories": category_tree(),
            "statuses": Status.choices,
            "heat_until": timezone.localdate(),
            "heat_since": timezone.localdate() - timedelta(days=HEAT_DEFAULT_DAYS - 1),
        },
    )


def _grid_context(user: User, code: str) -> dict[str, Any]:
    grid = jurisdiction.node_get(user, code)
    return {
        "grid": grid,
        "registered": registered_count(grid),
        "staff": staffing.staff_for_grid(user, grid),
        "groups": [_group_seats(group) for group in staffing.groups_for_grid(user, grid)],
        "overlaps": jurisdiction.grid_overlaps(user, grid),
    }


def _group_seats(group: WorkGroup) -> dict[str, Any]:
    """A work group with its seats split by role, leader first, as the card lists them."""
    seats = list(group.members.all())
    return {
        "group": group,
        "leaders": [s for s in seats if s.role == GroupRole.LEADER],
        "deputies": [s for s in seats if s.role == GroupRole.DEPUTY],
        "members": [s for s in seats if s.role == GroupRole.MEMBER],
    }


@page_view
def grid_card(request: UserRequest, code: str) -> HttpResponse:
    """The grid's card alone, loaded into the map's side panel."""
    if not request.htmx:
        return redirect("jurisdiction:grid", code)
    return render(request, "jurisdiction/_grid_card.html", _grid_context(request.user, code))


@page_view
def grid_detail(request: UserRequest, code: str) -> HttpResponse:
    context = _grid_context(request.user, code)
    context["path"] = breadcrumbs(request.user, context["grid"])
    return render(request, "jurisdiction/grid.html", context)


@page_view
def boundary_import(request: UserRequest) -> HttpResponse:
    if not request.user.can(Capability.MANAGE_BOUNDARIES):
        raise PermissionDenied(_("Your role may not import boundaries."))
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["result"] = geojson_io.import_collection(
                actor=request.user, data=form.cleaned_data["file"]
            )
        except InvalidInput as exc:
            context["error"] = exc
    status = 422 if "error" in context or form.errors else 200
    return render(request, "jurisdiction/import.html", context, status=status)
