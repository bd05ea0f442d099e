"""The staffing coverage report page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from gridgov.accounts.requests import UserRequest
from gridgov.core.pages import page_view
from gridgov.jurisdiction import selectors as jurisdiction
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.staffing.selectors import coverage_report


@page_view
def coverage(request: UserRequest, code: str | None = None) -> HttpResponse:
    """Per child of a node: grids, grids missing a full-time or legal-affairs worker, workers."""
    user = request.user
    node = jurisdiction.node_get(user, code) if code else jurisdiction.scope_root(user)
    return render(
        request,
        "staffing/coverage.html",
        {"report": coverage_report(user, node), "path": breadcrumbs(user, node)},
    )
