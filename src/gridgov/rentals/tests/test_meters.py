"""Meter readings from a utility's CSV: bad files refused whole, unknown homes kept and
reported, a re-import changes nothing, and the utility rule compares with similar homes."""

from __future__ import annotations

import pytest
from django.test import Client, TestCase

from gridgov.accounts.models import User
from gridgov.core.errors import InvalidInput
from gridgov.rentals import actions
from gridgov.rentals.models import CaseHit, MeterReading
from gridgov.rentals.tests.conftest import MakeHome
from gridgov.testing.tree import Tree

pytestmark = pytest.mark.django_db


def csv_of(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["地址编码,月份,类别,用量", *(",".join(r) for r in rows)]
    return "\n".join(lines).encode("utf-8-sig")


def test_a_bad_row_refuses_the_whole_file(users: dict[str, User], make_home: MakeHome) -> None:
    home = make_home()
    content = csv_of(
        [(home.address_code, "2026-10", "水", "12"), (home.address_code, "2026-13", "电", "-3")]
    )
    with pytest.raises(InvalidInput) as refused:
        actions.meter_import(actor=users["community_staff"], name="m.csv", content=content)
    assert {(p.index, p.code) for p in refused.value.problems} == {
        (3, "bad_month"),
        (3, "bad_amount"),
    }
    assert not MeterReading.objects.unscoped().exists()


def test_unknown_homes_are_kept_and_a_reimport_changes_nothing(
    users: dict[str, User], make_home: MakeHome
) -> None:
    home = make_home()
    content = csv_of(
        [(home.address_code, "2026-10", "水", "12"), ("NOPE-1", "2026-10", "电", "300")]
    )
    batch = actions.meter_import(actor=users["community_staff"], name="m.csv", content=content)
    assert (batch.rows, batch.matched, batch.unknown) == (2, 1, 1)
    again = actions.meter_import(actor=users["community_staff"], name="m.csv", content=content)
    assert again.unknown == 1
    readings = MeterReading.objects.unscoped()
    assert readings.count() == 2
    assert readings.get(home__isnull=True).address_code == "NOPE-1"


def test_utility_use_far_above_similar_homes_is_flagged(
    tree: Tree, users: dict[str, User], make_home: MakeHome
) -> None:
    homes = [make_home(area="80") for _ in range(6)]
    rows = [(h.address_code, f"2026-{m:02d}", "电", "150") for h in homes[:5] for m in (9, 10, 11)]
    rows += [(homes[5].address_code, f"2026-{m:02d}", "电", "900") for m in (9, 10, 11)]
    actions.meter_import(actor=users["community_staff"], name="m.csv", content=csv_of(rows))
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.rules_run_start(actor=users["commander"], node=tree["320104"])
    hit = CaseHit.objects.get()
    assert hit.case.home_id == homes[5].pk
    assert hit.evidence == {"power": {"monthly": 900.0, "peers_median": 150.0, "ratio": 6.0}}


def test_the_api_lists_cases_and_rules(
    tree: Tree, users: dict[str, User], make_home: MakeHome, client_for: object
) -> None:
    make_home(area="20", people=6)
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.rules_run_start(actor=users["commander"], node=tree["320104"])
    client: Client = client_for("dispatcher")  # type: ignore[operator]
    cases = client.get("/api/v1/rentals/cases").json()
    assert cases["count"] == 1
    case_id = cases["items"][0]["id"]
    detail = client.get(f"/api/v1/rentals/cases/{case_id}").json()
    assert detail["hits"][0]["rule"] == "crowding"
    rules = {r["code"]: r for r in client.get("/api/v1/rentals/rules").json()}
    assert rules["crowding"]["suspected"] == 1
    far: Client = client_for("sibling_dispatcher")  # type: ignore[operator]
    assert far.get(f"/api/v1/rentals/cases/{case_id}").status_code == 404
    page = client.get(f"/rentals/cases/{case_id}/")
    assert page.status_code == 200
    assert "人均居住面积过小" in page.content.decode()
