from __future__ import annotations

from typing import Any

import pytest

from gridgov.addresses.tests.factories import make_target_address
from gridgov.audit.models import AuditEntry
from gridgov.registry.actions import UNMASK_ACTION
from gridgov.registry.tests.factories import CREDIT_CODE, GRID, ID_NUMBER, PHONE, Records

R = "/api/v1/registry"


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_search_by_id_number_name_address(records: Records, client_for: Any) -> None:
    client = client_for("grid_worker")
    for body in (
        {"id_number": ID_NUMBER},
        {"phone": "138-1234-5678"},
        {"name": "目标居民"},
        {"address": "目标路1号"},
    ):
        response = post(client, f"{R}/people/search", body)
        assert response.status_code == 200
        assert records.person.pk in [p["id"] for p in response.json()]
    assert post(client, f"{R}/people/search", {"phone": "12"}).json() == []
    only = post(client, f"{R}/people/search", {"id_number": ID_NUMBER}).json()
    assert [p["id"] for p in only] == [records.person.pk]
    assert only[0]["id_number"] == "3201**********1234"
    assert only[0]["phone"] == "138****5678"
    assert (
        post(
            client_for("sibling_dispatcher"), f"{R}/people/search", {"id_number": ID_NUMBER}
        ).json()
        == []
    )


def test_details_are_masked(records: Records, client_for: Any) -> None:
    client = client_for("dispatcher")
    urls = [
        f"{R}/people/{records.person.pk}",
        f"{R}/households/{records.household.pk}",
        f"{R}/homes/{records.home.pk}",
        f"{R}/compounds/{records.compound.pk}",
        f"{R}/organisations/{records.organisation.pk}",
        f"{R}/grids/{GRID}/card",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert ID_NUMBER not in response.content.decode()
        assert PHONE not in response.content.decode()
    home = client.get(f"{R}/homes/{records.home.pk}").json()
    assert [t["person"]["name"] for t in home["tenancies"]] == ["目标租户1"]
    card = client.get(f"{R}/grids/{GRID}/card").json()
    assert card["people_by_kind"] == {"registered": 1, "floating": 1, "lodging": 0}
    assert card["rentals"] == 1
    assert card["small_venues"] == 1
    # The resident was verified on entry; nothing waits on a verification task yet.
    assert card["verification"]["total"] == 4
    assert card["verification"]["verified"] == 1
    assert card["verification"]["pending"] == 0


def test_unmask_through_the_api(records: Records, client_for: Any) -> None:
    url = f"{R}/people/{records.person.pk}/unmask"
    ok = post(client_for("community_staff"), url, {"field": "phone", "purpose": "回访"})
    assert ok.status_code == 200
    assert ok.json() == {"field": "phone", "value": PHONE}
    assert post(client_for("analyst"), url, {"field": "phone", "purpose": "x"}).status_code == 403
    missing = post(client_for("community_staff"), url, {"field": "phone", "purpose": ""})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "purpose"
    assert (
        post(client_for("sibling_dispatcher"), url, {"field": "phone", "purpose": "x"}).status_code
        == 404
    )
    assert AuditEntry.objects.filter(action=UNMASK_ACTION).count() == 1


def test_rate_limit_answers_429(records: Records, client_for: Any, settings: Any) -> None:
    settings.GRIDGOV_UNMASK_PER_HOUR = 1
    client = client_for("community_staff")
    url = f"{R}/people/{records.person.pk}/unmask"
    assert post(client, url, {"field": "phone", "purpose": "回访"}).status_code == 200
    again = post(client, url, {"field": "phone", "purpose": "回访"})
    assert again.status_code == 429
    assert again.json()["code"] == "rate_limited"


def test_writes_and_bad_input(client_for: Any) -> None:
    client = client_for("community_staff")
    compound = post(
        client, f"{R}/compounds", {"name": "新小区", "managed": False, "grid_code": GRID}
    )
    assert compound.status_code == 200
    home = post(client, f"{R}/homes", {"address": "新路1号", "compound_id": compound.json()["id"]})
    assert home.status_code == 200
    assert home.json()["grid"]["code"] == GRID
    person = post(
        client,
        f"{R}/people",
        {
            "id_number": ID_NUMBER,
            "name": "新居民",
            "kind": "lodging",
            "phone": PHONE,
            "home_id": home.json()["id"],
        },
    )
    assert person.status_code == 200
    assert person.json()["id_number"] == "3201**********1234"
    tenancy = post(
        client,
        f"{R}/homes/{home.json()['id']}/tenancies",
        {"person_id": person.json()["id"], "start": "2026-03-01"},
    )
    assert tenancy.status_code == 201
    ended = post(client, f"{R}/tenancies/{tenancy.json()['id']}/end", {"end": "2026-09-30"})
    assert ended.json()["end"] == "2026-09-30"
    org = post(
        client,
        f"{R}/organisations",
        {
            "credit_code": CREDIT_CODE,
            "name": "小店",
            "kind": "enterprise",
            "grid_code": GRID,
        },
    )
    assert org.status_code == 200
    household = post(client, f"{R}/households", {"number": "H1", "home_id": home.json()["id"]})
    assert household.status_code == 200


@pytest.mark.parametrize(
    ("url", "body", "field", "code"),
    [
        (
            "people",
            {
                "id_number": ID_NUMBER[:-1] + "0",
                "name": "x",
                "kind": "registered",
                "grid_code": GRID,
            },
            "id_number",
            "invalid_checksum",
        ),
        (
            "people",
            {
                "id_number": ID_NUMBER,
                "name": "x",
                "kind": "registered",
                "grid_code": GRID,
                "birth_date": "1991-01-05",
            },
            "birth_date",
            "birth_date_mismatch",
        ),
        (
            "organisations",
            {
                "credit_code": CREDIT_CODE[:-1] + "0",
                "name": "x",
                "kind": "enterprise",
                "grid_code": GRID,
            },
            "credit_code",
            "invalid_checksum",
        ),
    ],
)
def test_bad_input_is_422_and_writes_nothing(
    client_for: Any, url: str, body: dict[str, Any], field: str, code: str
) -> None:
    response = post(client_for("community_staff"), f"{R}/{url}", body)
    assert response.status_code == 422
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in response.json()["errors"]
    ]
    assert not AuditEntry.objects.exists()


def test_an_address_code_places_the_record(client_for: Any) -> None:
    address = make_target_address()
    client = client_for("community_staff")
    body = {"id_number": ID_NUMBER, "name": "新居民", "kind": "registered"}
    person = post(client, f"{R}/people", {**body, "address_code": address.code})
    assert person.status_code == 200, person.json()
    assert person.json()["grid"]["code"] == GRID
    org = post(
        client,
        f"{R}/organisations",
        {"credit_code": CREDIT_CODE, "name": "小店", "kind": "enterprise", "address_code": "nope"},
    )
    assert org.status_code == 422
    assert [(e["code"], e["field"]) for e in org.json()["errors"]] == [
        ("unknown_address", "address_code")
    ]
