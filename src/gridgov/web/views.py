"""The home: each role's workbench, and the fragment the home polls to keep its counts current."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from gridgov.accounts.models import User
from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import Capability, roles_with
from gridgov.core.pages import page_view
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import node_level_counts, scope_root
from gridgov.registry.selectors import grid_get
from gridgov.staffing.selectors import coverage_report
from gridgov.web.selectors import grid_block_card
from gridgov.web.workbench import shared_by_desk, workbench_for

# The staffing card is a figure by grid: those who read them see it beside their work; a grid
# worker, a department and the administrators have their own desks instead.
STAFFING_CARD_ROLES = roles_with(Capability.READ_GRID_FIGURES)


@page_view
def home(request: UserRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"bench": workbench_for(user)}
    if user.role in STAFFING_CARD_ROLES:
        context.update(shared_by_desk(user, "staffing", lambda: _staffing(user)))
    return render(request, "web/home.html", context)


def _staffing(user: User) -> dict[str, Any]:
    root = scope_root(user)
    counts = node_level_counts(root)
    return {
        "node": root,
        "levels": [(Level(level).label, counts[level]) for level in sorted(counts)],
        "total": coverage_report(user, root).total,
    }


@page_view
def home_counts(request: UserRequest) -> HttpResponse:
    """The workbench alone, polled by the home."""
    return render(request, "web/_workbench.html", {"bench": workbench_for(request.user)})


@page_view
def block_card(request: UserRequest, code: str) -> HttpResponse:
    """A grid's block data; under /registry/, where it has always been."""
    grid = grid_get(request.user, code)
    card = grid_block_card(request.user, grid)
    return render(
        request, "web/block_card.html", {"card": card, "path": breadcrumbs(request.user, grid)}
    )
