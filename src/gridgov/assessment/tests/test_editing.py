"""The sheet's weights page: refused whole when they miss 100, saved when they add up, and
only the city's command centre opens it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.roles import Role
from gridgov.assessment.models import SheetItem, UnitKind
from gridgov.conftest import login
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_sheet_weights_must_add_up_to_100(tree: Tree, client_for: Any) -> None:
    client = login(Client(), make_user("cc", Role.DISTRICT_COMMANDER, node=tree["3201"]))
    url = "/assessment/sheet/weights/?unit=department"
    assert "结案率" in client.get(url).content.decode()
    before = list(
        SheetItem.objects.filter(unit_kind=UnitKind.DEPARTMENT).values_list("code", "weight")
    )
    page = client.post(url, {"w-closure_rate": "60", "w-satisfaction": "30"}).content.decode()
    errors = page.split('id="sheet-errors"')[1].split("</section>")[0]
    assert "<code>权重</code>" in errors
    assert "90" in errors
    assert (
        list(SheetItem.objects.filter(unit_kind=UnitKind.DEPARTMENT).values_list("code", "weight"))
        == before
    )
    saved = client.post(url, {"w-closure_rate": "70", "w-satisfaction": "30"})
    assert saved.status_code == 302
    assert dict(
        SheetItem.objects.filter(unit_kind=UnitKind.DEPARTMENT).values_list("code", "weight")
    ) == {"closure_rate": 70, "satisfaction": 30}
    assert client_for("commander").get(url).status_code == 403
