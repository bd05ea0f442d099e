"""A jurisdiction node's page and a grid's card: the tree with the registry's and staffing's
figures, so they live above all three. Their URLs stay in the jurisdiction: namespace
(gridgov.urls mounts them beside jurisdiction's own)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from gridgov.accounts.models import User
from gridgov.accounts.requests import UserRequest
from gridgov.core.pages import page_view
from gridgov.jurisdiction import selectors as jurisdiction
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.jurisdiction.models import Level
from gridgov.registry.selectors import registered_count, with_registered
from gridgov.staffing import selectors as staffing
from gridgov.staffing.models import GroupRole, WorkGroup


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
