"""Every registry page and API route, called from the sibling subdistrict, reveals nothing.

The same probes are offered to the project's scope matrix; this copy also
fails when a registry route is added without a probe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLResolver, get_resolver

from gridgov.api import api
from gridgov.registry.tests.factories import GRID, ID_NUMBER, Records

R = "/api/v1/registry"
Probe = tuple[str, str, dict[str, Any] | None, int]

PROBES: dict[str, Callable[[Records], Probe]] = {
    "GET /registry/": lambda r: ("GET", "/registry/", None, 200),
    "GET /registry/people/<int:person_id>/": lambda r: (
        "GET",
        f"/registry/people/{r.person.pk}/",
        None,
        404,
    ),
    "GET /registry/people/<int:person_id>/unmask": lambda r: (
        "GET",
        f"/registry/people/{r.person.pk}/unmask",
        None,
        404,
    ),
    "GET /registry/households/<int:household_id>/": lambda r: (
        "GET",
        f"/registry/households/{r.household.pk}/",
        None,
        404,
    ),
    "GET /registry/homes/<int:home_id>/": lambda r: (
        "GET",
        f"/registry/homes/{r.home.pk}/",
        None,
        404,
    ),
    "GET /registry/organisations/<int:organisation_id>/": lambda r: (
        "GET",
        f"/registry/organisations/{r.organisation.pk}/",
        None,
        404,
    ),
    "GET /registry/compounds/<int:compound_id>/": lambda r: (
        "GET",
        f"/registry/compounds/{r.compound.pk}/",
        None,
        404,
    ),
    "GET /registry/grids/<str:code>/": lambda r: ("GET", f"/registry/grids/{GRID}/", None, 404),
    f"POST {R}/people/search": lambda r: (
        "POST",
        f"{R}/people/search",
        {"id_number": ID_NUMBER, "name": "目标"},
        200,
    ),
    f"POST {R}/people": lambda r: (
        "POST",
        f"{R}/people",
        {"id_number": ID_NUMBER, "name": "改名", "kind": "registered", "grid_code": GRID},
        404,
    ),
    f"GET {R}/people/{{person_id}}": lambda r: ("GET", f"{R}/people/{r.person.pk}", None, 404),
    f"POST {R}/people/{{person_id}}/unmask": lambda r: (
        "POST",
        f"{R}/people/{r.person.pk}/unmask",
        {"field": "phone", "purpose": "x"},
        404,
    ),
    f"GET {R}/households/{{household_id}}": lambda r: (
        "GET",
        f"{R}/households/{r.household.pk}",
        None,
        404,
    ),
    f"POST {R}/households": lambda r: (
        "POST",
        f"{R}/households",
        {"number": "H2", "home_id": r.home.pk},
        404,
    ),
    f"GET {R}/homes/{{home_id}}": lambda r: ("GET", f"{R}/homes/{r.home.pk}", None, 404),
    f"POST {R}/homes": lambda r: (
        "POST",
        f"{R}/homes",
        {"address": "x", "grid_code": GRID},
        404,
    ),
    f"POST {R}/homes/{{home_id}}/tenancies": lambda r: (
        "POST",
        f"{R}/homes/{r.home.pk}/tenancies",
        {"person_id": r.person.pk, "start": "2026-01-01"},
        404,
    ),
    f"POST {R}/tenancies/{{tenancy_id}}/end": lambda r: (
        "POST",
        f"{R}/tenancies/{r.tenancy.pk}/end",
        {"end": "2026-12-31"},
        404,
    ),
    f"GET {R}/organisations/{{organisation_id}}": lambda r: (
        "GET",
        f"{R}/organisations/{r.organisation.pk}",
        None,
        404,
    ),
    f"POST {R}/organisations": lambda r: (
        "POST",
        f"{R}/organisations",
        {
            "credit_code": r.organisation.credit_code,
            "name": "x",
            "kind": "enterprise",
            "grid_code": GRID,
        },
        404,
    ),
    f"GET {R}/compounds/{{compound_id}}": lambda r: (
        "GET",
        f"{R}/compounds/{r.compound.pk}",
        None,
        404,
    ),
    f"POST {R}/compounds": lambda r: (
        "POST",
        f"{R}/compounds",
        {"name": "x", "managed": False, "grid_code": GRID},
        404,
    ),
    f"GET {R}/grids/{{code}}/card": lambda r: ("GET", f"{R}/grids/{GRID}/card", None, 404),
}


@pytest.mark.parametrize("route", sorted(PROBES))
def test_sibling_sees_nothing(route: str, records: Records, client_for: Any) -> None:
    method, url, body, expect = PROBES[route](records)
    client = client_for("sibling_dispatcher")
    if body is None:
        response = client.get(url, follow=True)
    elif url.startswith("/api/"):
        response = client.post(url, body, content_type="application/json")
    else:
        response = client.post(url, body)
    assert response.status_code == expect, response.content[:300]
    text = response.content.decode()
    assert "目标" not in text
    assert records.person.id_number_masked not in text


def test_every_registry_route_is_probed() -> None:
    resolver = get_resolver()
    pages: set[str] = set()
    # The block-data card lives in web, at the top, under /registry/ still.
    for top in resolver.url_patterns:
        if isinstance(top, URLResolver) and str(top.pattern) in ("registry/", ""):
            routes = (f"{top.pattern}{p.pattern}" for p in top.url_patterns)
            pages |= {f"GET /{r}" for r in routes if r.startswith("registry/")}
    operations = {
        f"{method} /api/v1{prefix}{path}"
        for prefix, router in api._routers
        if prefix == "/registry"
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    assert pages | operations == set(PROBES)
