"""The staff map: the jurisdiction's outlines with the events on them, so it lives above both.
Its URLs stay in the jurisdiction: namespace (gridgov.urls mounts them beside jurisdiction's
own)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.requests import UserRequest
from gridgov.core.pages import page_view
from gridgov.events.selectors import HEAT_DEFAULT_DAYS, category_tree
from gridgov.events.workflow import Status
from gridgov.jurisdiction import selectors as jurisdiction
from gridgov.jurisdiction.breadcrumbs import breadcrumbs
from gridgov.jurisdiction.models import Level

# Placeholder the map script swaps for a feature's code to build its URLs.
CODE_SLOT = "CODE"


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
