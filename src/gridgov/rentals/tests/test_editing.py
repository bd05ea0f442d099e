"""The rule and meter pages through the test client: a rule that would flag too many homes
asks to be confirmed, a bad meter file lists its lines with the fields named in Chinese, and
only the roles allowed open them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.rentals.models import MeterBatch, RentalRule
from gridgov.rentals.tests.conftest import MakeHome
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_a_broad_rule_is_saved_only_when_confirmed(
    tree: Tree, client_for: Any, make_home: MakeHome
) -> None:
    make_home(area="20", people=5)
    make_home(area="100", people=1)
    client = login(Client(), make_user("cc", Role.DISTRICT_COMMANDER, node=tree["3201"]))
    form = {"name": "人均居住面积过小", "p-min_area_per_person": "5", "p-min_people": "4",
            "p-people_without_area": "8", "max_share": "10", "active": "on"}  # fmt: skip
    refused = client.post("/rentals/rules/crowding/", form).content.decode()
    assert 'id="rule-errors"' in refused
    assert 'name="confirm"' in refused
    bad = client.post("/rentals/rules/crowding/", {**form, "p-min_people": "四"}).content.decode()
    assert "<code>登记人数至少</code>" in bad
    saved = client.post("/rentals/rules/crowding/", {**form, "confirm": "on"})
    assert saved.status_code == 302
    assert RentalRule.objects.get(code="crowding").max_share * 100 == 10
    assert client_for("commander").get("/rentals/rules/crowding/").status_code == 403


def test_a_meter_file_lists_its_bad_lines_and_imports_nothing(
    client_for: Any, make_home: MakeHome
) -> None:
    home = make_home()
    client: Client = client_for("community_staff")
    code = home.address_code
    lines = f"地址编码,月份,类别,用量\n{code},2026-10,水,12\n{code},2026-13,电,-3\n"
    upload = SimpleUploadedFile("m.csv", lines.encode())
    page = client.post("/rentals/meters/", {"file": upload}).content.decode()
    errors = page.split('id="meter-errors"')[1].split("</section>")[0]
    assert "<code>月</code>" in errors
    assert "<code>用量</code>" in errors
    assert '<td class="num">3</td>' in errors
    assert not MeterBatch.objects.unscoped().exists()
    good = SimpleUploadedFile("m.csv", "\n".join(lines.splitlines()[:2]).encode())
    assert client.post("/rentals/meters/", {"file": good}).status_code == 302
    assert "m.csv" in client.get("/rentals/meters/").content.decode()
    assert client_for("grid_worker").get("/rentals/meters/").status_code == 403
