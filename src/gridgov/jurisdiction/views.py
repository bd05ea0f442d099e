"""Pages for the jurisdiction tree's root, the grid map and boundary import.

The node and grid pages, which show the registry's and staffing's figures too, are in
gridgov.web.node_pages, above the domains they draw on; they keep the jurisdiction: URLs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.requests import UserRequest
from gridgov.accounts.roles import Capability
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.core.forms import UploadForm
from gridgov.core.pages import page_view
from gridgov.events.selectors import HEAT_DEFAULT_DAYS, category_tree
from gridgov.events.workflow import Status
from gridgov.jurisdiction import selectors as jurisdiction
from gridgov.jurisdiction.actions.boundaries import boundaries_import
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.jurisdiction.models import Level

# Placeholder the map script swaps for a feature's code to build its URLs.
CODE_SLOT = "CODE"


@page_view
def tree(request: UserRequest) -> HttpResponse:
    return redirect("jurisdiction:node", jurisdiction.scope_root(request.user).code)


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


@page_view
def boundary_import(request: UserRequest) -> HttpResponse:
    if not request.user.can(Capability.MANAGE_BOUNDARIES):
        raise PermissionDenied(_("Your role may not import boundaries."))
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["result"] = boundaries_import(
                actor=request.user, data=form.cleaned_data["file"]
            )
        except InvalidInput as exc:
            context["error"] = exc
    status = 422 if "error" in context or form.errors else 200
    return render(request, "jurisdiction/import.html", context, status=status)
