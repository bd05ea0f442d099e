"""The verification API, every route: answers, refusals with codes naming the field, scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.roles import Role
from gridgov.conftest import login
from gridgov.departments.models import Department
from gridgov.registry.models import Person
from gridgov.registry.tests.factories import GRID, ID_NUMBER, PHONE, Records
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user
from gridgov.verification.models import Status, VerificationTask
from gridgov.verification.tests.factories import NEW_PHONE, propose_phone

pytestmark = pytest.mark.django_db

V = "/api/v1/verification"
COMMUNITY = GRID[:12]


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def fields_of(response: Any) -> set[tuple[str, str]]:
    """The (code, field) of every problem in an error answer."""
    return {(e["code"], e.get("field", "")) for e in response.json()["errors"]}


def person_proposal(**extra: Any) -> dict[str, Any]:
    return {
        "source": "api_push",
        "record_kind": "person",
        "id_number": ID_NUMBER,
        "changes": {"phone": NEW_PHONE},
        **extra,
    }


def test_a_push_makes_one_task_and_answers_masked(records: Records, client_for: Any) -> None:
    client = client_for("community_staff")
    first = post(client, f"{V}/proposals", person_proposal(batch="msg-1"))
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True
    assert body["task"]["proposed"] == {"phone": "139****1111"}
    assert body["task"]["assigned_to"] == "gw"
    assert body["task"]["grid"]["code"] == GRID
    again = post(client, f"{V}/proposals", person_proposal(batch="msg-1"))
    assert again.status_code == 200
    assert again.json()["task"]["id"] == body["task"]["id"]
    assert again.json()["created"] is False
    same = post(client, f"{V}/proposals", person_proposal(changes={"phone": PHONE}))
    assert same.status_code == 200
    assert same.json() == {"created": False, "task": None}
    for response in (first, again, same):
        assert NEW_PHONE not in response.content.decode()
        assert ID_NUMBER not in response.content.decode()


def test_a_department_handler_may_push_by_credit_code(tree: Tree, records: Records) -> None:
    bureau = Department.objects.create(code="320104-sc", name="市场监管局", node=tree["320104"])
    handler = make_user("dh", Role.DEPARTMENT_HANDLER, department=bureau)
    response = post(
        login(Client(), handler),
        f"{V}/proposals",
        {
            "source": "department_file",
            "record_kind": "organisation",
            "credit_code": records.organisation.credit_code.lower(),
            "changes": {"staff_count": 12, "small_venue": "false"},
            "source_time": "2026-11-01T09:00:00+08:00",
        },
    )
    assert response.status_code == 201
    assert response.json()["task"]["proposed"] == {"staff_count": 12, "small_venue": False}
    assert response.json()["task"]["source_time"] == "2026-11-01T09:00:00+08:00"


def test_bad_proposals_name_every_field(records: Records, client_for: Any) -> None:
    client = client_for("community_staff")
    bad = post(
        client,
        f"{V}/proposals",
        {"source": "stale", "record_kind": "car", "id_number": ID_NUMBER, "changes": {"x": 1}},
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"
    assert fields_of(bad) == {("invalid_source", "source"), ("invalid_kind", "record_kind")}
    values = post(
        client,
        f"{V}/proposals",
        person_proposal(
            changes={"phone": "123", "moved_in": "yesterday", "id_number": "x", "kind": "tourist"}
        ),
    )
    assert values.status_code == 422
    assert {field for _code, field in fields_of(values)} == {
        "phone",
        "moved_in",
        "changes",
        "kind",
    }
    assert ("unknown_field", "changes") in fields_of(values)
    nameless = post(client, f"{V}/proposals", person_proposal(id_number=""))
    assert nameless.status_code == 422
    assert fields_of(nameless) == {("record_required", "record_id")}
    empty = post(client, f"{V}/proposals", person_proposal(changes={}))
    assert fields_of(empty) == {("no_changes", "changes")}
    missing = post(client, f"{V}/proposals", {"source": "api_push", "record_kind": "person"})
    assert missing.status_code == 422
    assert {field for _code, field in fields_of(missing)} == {"changes"}
    unknown = post(client, f"{V}/proposals", person_proposal(record_id=10**9, id_number=""))
    assert unknown.status_code == 404
    assert not VerificationTask.objects.exists()


def test_roles_that_may_not_propose_get_403(records: Records, client_for: Any) -> None:
    for name in ("analyst", "auditor"):
        response = post(client_for(name), f"{V}/proposals", person_proposal())
        assert response.status_code == 403, name
        assert response.json()["code"] == "cannot_propose"


def test_a_sibling_push_for_a_foreign_record_is_404(records: Records, client_for: Any) -> None:
    response = post(client_for("sibling_dispatcher"), f"{V}/proposals", person_proposal())
    assert response.status_code == 404
    assert "目标" not in response.content.decode()


def test_list_and_detail_show_masked_values(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    task = propose_phone(users["community_staff"])
    client = client_for("grid_worker")
    listed = client.get(f"{V}/tasks")
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()] == [task.pk]
    detail = client.get(f"{V}/tasks/{task.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["record"] == "目标居民1 (3201**********1234)"
    rows = {row["name"]: row for row in body["rows"]}
    assert rows["phone"] == {
        "name": "phone",
        "label": "电话",
        "current": "138****5678",
        "proposed": "139****1111",
        "changed": True,
    }
    assert rows["name"]["proposed"] == "目标居民新名"
    for response in (listed, detail):
        text = response.content.decode()
        assert PHONE not in text
        assert NEW_PHONE not in text
        assert ID_NUMBER not in text


def test_sibling_sees_no_task(users: dict[str, Any], records: Records, client_for: Any) -> None:
    task = propose_phone(users["community_staff"])
    client = client_for("sibling_dispatcher")
    assert client.get(f"{V}/tasks").json() == []
    assert client.get(f"{V}/tasks/{task.pk}").status_code == 404
    decided = post(client, f"{V}/tasks/{task.pk}/decision", {"decision": "confirm"})
    assert decided.status_code == 404
    assert VerificationTask.objects.get(pk=task.pk).status == Status.PENDING


def test_decisions_through_the_api(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    task = propose_phone(users["community_staff"])
    url = f"{V}/tasks/{task.pk}/decision"
    worker = client_for("grid_worker")
    bad = post(worker, url, {"decision": "approve"})
    assert bad.status_code == 422
    assert fields_of(bad) == {("invalid_decision", "decision")}
    wrong = post(
        worker, url, {"decision": "correct", "corrected_values": {"phone": "1", "pets": 2}}
    )
    assert wrong.status_code == 422
    assert fields_of(wrong) == {("invalid_phone", "phone"), ("unknown_field", "corrected_values")}
    assert post(client_for("analyst"), url, {"decision": "confirm"}).status_code == 403
    fixed = post(
        worker,
        url,
        {"decision": "correct", "corrected_values": {"phone": "13700007777"}, "note": "见户主"},
    )
    assert fixed.status_code == 200
    assert fixed.json()["status"] == "corrected"
    assert fixed.json()["applied"] == {"phone": "137****7777"}
    assert fixed.json()["decided_by"] == "gw"
    assert "13700007777" not in fixed.content.decode()
    person = Person.objects.get(pk=records.person.pk)
    assert person.phone_masked == "137****7777"
    assert person.source == "field_check"
    late = post(worker, url, {"decision": "reject"})
    assert late.status_code == 409
    assert late.json()["code"] == "already_decided"


def test_grid_figures_by_hand(users: dict[str, Any], records: Records, client_for: Any) -> None:
    # In grid 001: resident (verified now), tenant, home, organisation — 1 of 4 verified.
    propose_phone(users["community_staff"])
    response = client_for("community_staff").get(f"{V}/stats?node={COMMUNITY}")
    assert response.status_code == 200
    rows = {row["grid"]["code"]: row for row in response.json()}
    assert sorted(rows) == [GRID, COMMUNITY + "002"]
    assert rows[GRID] == {
        "grid": {"code": GRID, "name": "秦淮区北街道一社区第1网格"},
        "records": 4,
        "verified": 1,
        "verified_share": 0.25,
        "pending": 1,
        "oldest_pending_at": rows[GRID]["oldest_pending_at"],
        "oldest_pending_days": 0,
    }
    assert rows[COMMUNITY + "002"]["records"] == 0
    assert rows[COMMUNITY + "002"]["verified_share"] is None
    assert rows[COMMUNITY + "002"]["oldest_pending_days"] is None


def test_grid_figures_refuse_workers_and_siblings(records: Records, client_for: Any) -> None:
    worker = client_for("grid_worker").get(f"{V}/stats?node={GRID}")
    assert worker.status_code == 403
    assert worker.json()["code"] == "cannot_see_stats"
    sibling = client_for("sibling_dispatcher").get(f"{V}/stats?node={COMMUNITY}")
    assert sibling.status_code == 404
    assert sibling.json()["code"] == "node_not_found"
    missing = client_for("community_staff").get(f"{V}/stats")
    assert missing.status_code == 422
    assert {field for _code, field in fields_of(missing)} == {"node"}
