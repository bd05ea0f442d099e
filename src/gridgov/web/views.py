from django.http import HttpResponse
from django.shortcuts import render

from gridgov.accounts.requests import UserRequest
from gridgov.core.pages import page_view
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import node_level_counts, scope_root
from gridgov.registry.selectors import grid_get
from gridgov.staffing.selectors import coverage_report
from gridgov.web.selectors import grid_block_card


@page_view
def home(request: UserRequest) -> HttpResponse:
    root = scope_root(request.user)
    counts = node_level_counts(root)
    report = coverage_report(request.user, root)
    levels = [(Level(level).label, counts[level]) for level in sorted(counts)]
    return render(request, "web/home.html", {"node": root, "levels": levels, "total": report.total})


@page_view
def block_card(request: UserRequest, code: str) -> HttpResponse:
    """A grid's block data; under /registry/, where it has always been."""
    grid = grid_get(request.user, code)
    card = grid_block_card(request.user, grid)
    return render(
        request, "web/block_card.html", {"card": card, "path": breadcrumbs(request.user, grid)}
    )
