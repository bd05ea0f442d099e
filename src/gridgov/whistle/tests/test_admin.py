"""The admin shows whistles read-only, inside the viewer's jurisdiction."""

from __future__ import annotations

from django.test import Client

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.testing.tree import Tree
from gridgov.whistle.tests.conftest import Blow


def test_admin_lists_visible_whistles_and_changes_nothing(
    blow: Blow, people: dict[str, User], tree: Tree
) -> None:
    whistle = blow()
    root = User.objects.create_superuser(
        "root", password="x", role=Role.SYSTEM_ADMIN, node=tree["3201"]
    )
    client = login(Client(), root)
    listing = client.get("/admin/whistle/whistle/")
    assert list(listing.context["cl"].result_list) == [whistle]
    page = client.get(f"/admin/whistle/whistle/{whistle.pk}/change/")
    assert page.status_code == 200
    assert "秦淮区消防救援大队" in page.content.decode()
    assert client.get("/admin/whistle/whistle/add/").status_code == 403
    assert client.post(f"/admin/whistle/whistle/{whistle.pk}/delete/").status_code == 403


def test_the_openapi_schema_documents_the_routes(people: dict[str, User]) -> None:
    paths = login(Client(), people["commander"]).get("/api/v1/openapi.json").json()["paths"]
    for route in (
        "/whistles",
        "/whistles/{whistle_id}",
        "/summons",
        "/summons/{summons_id}/report",
        "/summons/{summons_id}/part-done",
        "/summons/{summons_id}/verify",
        "/summons/{summons_id}/rating",
        "/stats",
    ):
        assert f"/api/v1/whistle{route}" in paths
