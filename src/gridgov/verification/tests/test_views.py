"""The pages, through the test client: Chinese by default, masked, one task per screen."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.addresses.tests.factories import make_target_address
from gridgov.registry.models import Organisation, Person
from gridgov.registry.tests.factories import GRID, ID_NUMBER, PHONE, Records, resident_id
from gridgov.verification.actions import stale_sweep
from gridgov.verification.models import Source, Status, VerificationTask
from gridgov.verification.tests.factories import NEW_PHONE, propose_phone

pytestmark = pytest.mark.django_db

COMMUNITY = GRID[:12]


def text(response: Any) -> str:
    return str(response.content.decode())


def assert_masked(body: str) -> None:
    for plain in (ID_NUMBER, PHONE, NEW_PHONE):
        assert plain not in body


def test_the_phone_task_list_in_chinese(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    task = propose_phone(users["community_staff"])
    response = client_for("grid_worker").get("/verification/")
    assert response.status_code == 200
    body = text(response)
    assert "核实任务" in body
    assert "1 待核实 · 0 已处理" in body
    assert f"/verification/tasks/{task.pk}/" in body
    assert "部门文件" in body
    # The record by its name, as the worker knows it, not by its row id.
    assert "人员 · 目标居民1" in body
    assert f"#{task.record_id}" not in body
    assert 'name="viewport"' in body
    assert "/verification/declare/" in body
    # A grid worker reads the figures on the grid's card, not by grid.
    assert "/verification/grids/" not in body
    assert_masked(body)
    staff = text(client_for("community_staff").get("/verification/"))
    assert f"/verification/grids/{COMMUNITY}/" in staff
    empty = text(client_for("sibling_dispatcher").get("/verification/"))
    assert "没有需要核实的任务" in empty
    assert "目标" not in empty


def test_the_home_page_links_the_task_list(users: dict[str, Any], client_for: Any) -> None:
    assert 'href="/verification/"' in text(client_for("grid_worker").get("/"))
    assert 'href="/verification/"' not in text(client_for("auditor").get("/"))


def test_a_task_screen_shows_current_against_proposed_masked(
    users: dict[str, Any], records: Records, client_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    task = propose_phone(users["community_staff"])
    response = client_for("grid_worker").get(f"/verification/tasks/{task.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert "目标居民1 (3201**********1234)" in body
    assert "138****5678" in body
    assert "139****1111" in body
    for word in ("确认", "更正", "驳回"):
        assert word in body
    assert_masked(body)
    assert ID_NUMBER not in caplog.text
    assert NEW_PHONE not in caplog.text


def test_confirm_on_the_page(users: dict[str, Any], records: Records, client_for: Any) -> None:
    task = propose_phone(users["community_staff"])
    client = client_for("grid_worker")
    response = client.post(
        f"/verification/tasks/{task.pk}/", {"decision": "confirm", "note": "上门核实"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/verification/"
    person = Person.objects.get(pk=records.person.pk)
    assert person.phone_masked == "139****1111"
    assert person.verified_by == users["grid_worker"]
    done = client.get(f"/verification/tasks/{task.pk}/")
    assert "已确认" in text(done)
    assert "上门核实" in text(done)
    again = client.post(f"/verification/tasks/{task.pk}/", {"decision": "reject"})
    assert again.status_code == 409


def test_reject_on_the_page(users: dict[str, Any], records: Records, client_for: Any) -> None:
    task = propose_phone(users["community_staff"])
    response = client_for("grid_worker").post(
        f"/verification/tasks/{task.pk}/", {"decision": "reject", "note": "号码未变"}
    )
    assert response.status_code == 302
    assert VerificationTask.objects.get(pk=task.pk).status == Status.REJECTED
    assert Person.objects.get(pk=records.person.pk).phone_masked == "138****5678"


def test_correct_on_the_page_keeps_the_fields_not_proposed(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    stale_sweep(actor=None, days=30)
    org_task = VerificationTask.objects.get(record_kind="organisation")
    client = client_for("grid_worker")
    form = text(client.get(f"/verification/tasks/{org_task.pk}/"))
    assert 'value="目标小吃店1"' in form
    proposal = propose_phone(users["community_staff"])
    page = client.get(f"/verification/tasks/{proposal.pk}/")
    # The phone is only known masked: the correction starts empty with the mask as a hint.
    assert 'placeholder="138****5678"' in text(page)
    response = client.post(
        f"/verification/tasks/{proposal.pk}/",
        {
            "decision": "correct",
            "fix-name": "目标居民1",
            "fix-phone": "13700007777",
            "fix-kind": "registered",
            "fix-moved_in": "",
            "fix-moved_out": "",
            "fix-address_code": "",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=records.person.pk)
    assert (person.name, person.phone_masked, person.kind) == (
        "目标居民1",
        "137****7777",
        "registered",
    )
    assert person.source == "field_check"
    organisation_form = {
        "decision": "correct",
        "fix-name": "目标小吃店1",
        "fix-kind": "individual_business",
        "fix-address": "",
        "fix-staff_count": "5",
        "fix-small_venue": "true",
        "fix-address_code": "",
    }
    assert client.post(f"/verification/tasks/{org_task.pk}/", organisation_form).status_code == 302
    org = Organisation.objects.get(pk=records.organisation.pk)
    assert (org.name, org.staff_count, org.small_venue) == ("目标小吃店1", 5, True)


def test_a_bad_correction_lists_its_problems(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    task = propose_phone(users["community_staff"])
    response = client_for("grid_worker").post(
        f"/verification/tasks/{task.pk}/",
        {"decision": "correct", "fix-name": "", "fix-phone": "12", "fix-kind": "registered"},
    )
    assert response.status_code == 422
    body = text(response)
    assert "<code>name</code>" in body
    assert "<code>phone</code>" in body
    assert VerificationTask.objects.get(pk=task.pk).status == Status.PENDING


def test_task_pages_refuse_siblings_and_readers(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    task = propose_phone(users["community_staff"])
    url = f"/verification/tasks/{task.pk}/"
    assert client_for("sibling_dispatcher").get(url).status_code == 404
    assert client_for("sibling_dispatcher").post(url, {"decision": "confirm"}).status_code == 404
    assert client_for("analyst").post(url, {"decision": "confirm"}).status_code == 403
    assert VerificationTask.objects.get(pk=task.pk).status == Status.PENDING


def test_grid_stats_page_with_figures_by_hand(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    propose_phone(users["community_staff"])
    VerificationTask.objects.update(created_at=timezone.now() - timedelta(days=3, hours=1))
    response = client_for("community_staff").get(f"/verification/grids/{COMMUNITY}/")
    assert response.status_code == 200
    body = text(response)
    assert "核实情况" in body
    # Grid 001: 4 records (resident, tenant, home, organisation), the resident verified:
    # 25 %, 1 pending task, 3 days old. Grid 002 has nothing.
    row = body[body.index(GRID) : body.index(COMMUNITY + "002")]
    cells = [cell.split("<")[0] for cell in row.split('<td class="num">')[1:]]
    assert cells == ["4", "1", "25%", "1", "3"]
    assert client_for("grid_worker").get(f"/verification/grids/{GRID}/").status_code == 403
    sibling = client_for("sibling_dispatcher").get(f"/verification/grids/{COMMUNITY}/")
    assert sibling.status_code == 404


def test_the_block_data_card_shows_the_same_figures(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    propose_phone(users["community_staff"])
    VerificationTask.objects.update(created_at=timezone.now() - timedelta(days=2, hours=1))
    body = text(client_for("grid_worker").get(f"/registry/grids/{GRID}/"))
    facts = body[body.index("<h2>核实</h2>") :]
    assert "<dd>25%</dd>" in facts
    assert '<dd class="gap">1</dd>' in facts
    assert "2 天" in facts
    card = client_for("grid_worker").get(f"/api/v1/registry/grids/{GRID}/card").json()
    assert card["verification"] == {
        "total": 4,
        "verified": 1,
        "pending": 1,
        "verified_share": 0.25,
        "oldest_pending_days": pytest.approx(2.0, abs=0.1),
    }


def test_a_declaration_becomes_a_task(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    client = client_for("community_staff")
    form = client.get("/verification/declare/?kind=person")
    assert form.status_code == 200
    assert "居民自主申报" in text(form)
    response = client.post(
        "/verification/declare/?kind=person",
        {"id_number": ID_NUMBER, "new-phone": NEW_PHONE, "new-kind": "", "new-small_venue": ""},
    )
    assert response.status_code == 302
    task = VerificationTask.objects.get()
    assert response["Location"] == f"/verification/tasks/{task.pk}/"
    assert task.source == Source.SELF_DECLARATION
    assert task.proposed == {"phone": "139****1111"}
    assert task.assigned_to == users["grid_worker"]
    assert task.source_time is not None
    page = text(client.get(response["Location"]))
    assert "自主申报" in page
    assert_masked(page)


def test_a_declaration_equal_to_the_registry_or_for_nothing_known(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    client = client_for("grid_worker")
    url = "/verification/declare/?kind=organisation"
    same = client.post(url, {"credit_code": records.organisation.credit_code, "new-staff_count": 3})
    assert same.status_code == 302
    assert "与登记信息一致" in text(client.get(same["Location"]))
    empty = client.post(url, {"credit_code": records.organisation.credit_code})
    assert empty.status_code == 422
    assert "<code>changes</code>" in text(empty)
    unknown = client.post(
        "/verification/declare/?kind=home",
        {"grid_code": GRID, "address": "无此地址", "new-tenure": "rented"},
    )
    assert unknown.status_code == 404
    missing_key = client.post("/verification/declare/?kind=home", {"new-tenure": "rented"})
    assert missing_key.status_code == 422
    assert not VerificationTask.objects.exists()


def test_a_declaration_is_refused_to_readers_and_siblings(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    assert client_for("analyst").get("/verification/declare/").status_code == 403
    sibling = client_for("sibling_dispatcher").post(
        "/verification/declare/?kind=person", {"id_number": ID_NUMBER, "new-name": "x"}
    )
    assert sibling.status_code == 404
    assert "目标" not in text(sibling)
    assert not VerificationTask.objects.exists()


def test_a_newcomer_becomes_a_task_and_a_record_when_confirmed(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    address = make_target_address()
    newcomer = resident_id("32010419950315002")
    response = client_for("community_staff").post(
        "/verification/declare/?kind=person",
        {
            "id_number": newcomer,
            "new-name": "新来的居民",
            "new-kind": "floating",
            "new-phone": NEW_PHONE,
            "new-address_code": address.code,
        },
    )
    assert response.status_code == 302, text(response)
    task = VerificationTask.objects.get()
    assert task.record_id is None
    assert task.grid.code == GRID
    assert task.assigned_to == users["grid_worker"]
    worker = client_for("grid_worker")
    listed = text(worker.get("/verification/"))
    assert "人员 · 新来的居民" in listed
    page = text(worker.get(f"/verification/tasks/{task.pk}/"))
    assert "新登记 · 新来的居民" in page
    assert_masked(page)
    assert newcomer not in page
    done = worker.post(f"/verification/tasks/{task.pk}/", {"decision": "confirm"})
    assert done.status_code == 302
    person = Person.objects.get(name="新来的居民")
    assert VerificationTask.objects.get(pk=task.pk).record_id == person.pk
    assert (person.name, person.kind, person.grid.code) == ("新来的居民", "floating", GRID)
    assert person.address_code == address.code
    assert person.verified_at is not None
    assert person.phone_masked == "139****1111"


def test_a_newcomer_needs_a_name_a_kind_and_a_place(
    users: dict[str, Any], records: Records, client_for: Any
) -> None:
    answer = client_for("community_staff").post(
        "/verification/declare/?kind=person",
        {"id_number": resident_id("32010419950315002"), "new-phone": NEW_PHONE},
    )
    assert answer.status_code == 422
    body = text(answer)
    assert "新登记人员需要填写姓名" in body
    assert not VerificationTask.objects.exists()
