from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gridgov.accounts.roles import Capability


def site(request: HttpRequest) -> dict[str, Any]:
    """Site settings every template may use, and what the current user may do.

    Templates cannot call user.can(...) with an argument, so the capabilities
    are handed over as a set: `{% if "manage_boundaries" in capabilities %}`.
    """
    user = getattr(request, "user", None)
    capabilities: frozenset[str] = frozenset()
    if user is not None and user.is_authenticated:
        capabilities = frozenset(c.value for c in Capability if user.can(c))
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "PRODUCTION": settings.PRODUCTION,
        "capabilities": capabilities,
    }
