from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.registry.models import Home, Organisation, Person
from gridgov.registry.tests.factories import ID_NUMBER, PHONE, Records
from gridgov.verification.actions import (
    change_propose,
    import_changes_propose,
    stale_sweep,
    task_decide,
)
from gridgov.verification.models import Status, VerificationTask
from gridgov.verification.tests.factories import NEW_PHONE, propose_phone

pytestmark = pytest.mark.django_db


def test_a_proposal_equal_to_the_registry_makes_no_task(
    users: dict[str, Any], records: Records
) -> None:
    result = change_propose(
        actor=users["community_staff"],
        source="api_push",
        record_kind="person",
        id_number=ID_NUMBER,
        changes={"name": records.person.name, "phone": PHONE, "kind": "registered"},
    )
    assert result.task is None
    assert not result.created
    assert not VerificationTask.objects.exists()


def test_the_same_change_twice_makes_one_task_for_the_grid_worker(
    users: dict[str, Any], records: Records
) -> None:
    first = propose_phone(users["community_staff"])
    second = propose_phone(users["dispatcher"])
    assert first.pk == second.pk
    assert VerificationTask.objects.count() == 1
    assert first.assigned_to == users["grid_worker"]
    assert first.grid.code == records.person.grid.code
    assert first.proposed == {"phone": "139****1111", "name": "目标居民新名"}
    stored = json.dumps([first.proposed, first.sealed, first.fingerprint])
    assert NEW_PHONE not in stored
    assert AuditEntry.objects.filter(action="verification.propose").count() == 1
    # A different value is a different change.
    propose_phone(users["community_staff"], phone="13900002222")
    assert VerificationTask.objects.count() == 2


def test_a_files_batch_and_a_single_proposal_of_the_same_change_make_one_task(
    users: dict[str, Any], records: Records
) -> None:
    task = propose_phone(users["community_staff"])
    person = records.person
    # The file carries every field it knows; only those that differ are the change.
    row = {"name": "目标居民新名", "phone": NEW_PHONE, "kind": person.kind, "moved_in": None}
    unchanged = {"name": records.tenant.name, "kind": records.tenant.kind}
    held = import_changes_propose(
        actor=users["dispatcher"],
        record_kind="person",
        changes={person.pk: row, records.tenant.pk: unchanged},
        batch="import:1:公安.csv",
    )
    assert held == 1
    assert VerificationTask.objects.get() == task
    other = import_changes_propose(
        actor=users["dispatcher"],
        record_kind="person",
        changes={person.pk: {**row, "phone": "13900002222"}},
    )
    assert other == 1
    fresh = VerificationTask.objects.exclude(pk=task.pk).get()
    assert (fresh.source, fresh.assigned_to, fresh.proposed) == (
        "department_file",
        users["grid_worker"],
        {"phone": "139****2222", "name": "目标居民新名"},
    )
    assert "13900002222" not in json.dumps([fresh.proposed, fresh.sealed])
    assert AuditEntry.objects.filter(action="verification.import_propose").count() == 2


def test_a_files_batch_stays_in_the_importers_jurisdiction(
    users: dict[str, Any], records: Records
) -> None:
    with pytest.raises(NotFound):
        import_changes_propose(
            actor=users["sibling_dispatcher"],
            record_kind="person",
            changes={records.person.pk: {"name": "x"}},
        )
    with pytest.raises(PermissionDenied):
        import_changes_propose(
            actor=users["analyst"],
            record_kind="person",
            changes={records.person.pk: {"name": "x"}},
        )
    assert not VerificationTask.objects.exists()


def test_a_proposal_names_known_fields_with_valid_values(
    users: dict[str, Any], records: Records
) -> None:
    with pytest.raises(InvalidInput) as exc:
        change_propose(
            actor=users["community_staff"],
            source="department_file",
            record_kind="organisation",
            record_id=records.organisation.pk,
            changes={"staff_count": "many", "credit_code": "x", "kind": "shop"},
        )
    assert {p.field for p in exc.value.problems} == {"staff_count", "changes", "kind"}


def test_a_sibling_cannot_propose_for_a_foreign_record(
    users: dict[str, Any], records: Records
) -> None:
    with pytest.raises(NotFound):
        change_propose(
            actor=users["sibling_dispatcher"],
            source="department_file",
            record_kind="person",
            id_number=ID_NUMBER,
            changes={"name": "x"},
        )


def test_stale_sweep_is_idempotent_and_skips_fresh_records(
    users: dict[str, Any], records: Records
) -> None:
    made = stale_sweep(actor=None, days=30)
    # The home, the tenant and the organisation were never verified; the resident just was.
    assert made == 3
    assert stale_sweep(actor=None, days=30) == 0
    Person.objects.filter(pk=records.person.pk).update(
        verified_at=timezone.now() - timedelta(days=31)
    )
    assert stale_sweep(actor=None, days=30) == 1
    assert VerificationTask.objects.filter(source="stale").count() == 4
    assert set(VerificationTask.objects.values_list("assigned_to", flat=True)) == {
        users["grid_worker"].pk
    }


def test_stale_sweep_is_bounded(users: dict[str, Any], records: Records) -> None:
    assert stale_sweep(actor=None, days=30, limit=2) == 2
    assert stale_sweep(actor=None, days=30, limit=2) == 1


def test_the_management_command_sweeps(users: dict[str, Any], records: Records) -> None:
    call_command("verification_stale_sweep", "--days", "30")
    call_command("verification_stale_sweep", "--days", "30")
    assert VerificationTask.objects.count() == 3


def test_confirm_applies_the_change_with_its_provenance(
    users: dict[str, Any], records: Records
) -> None:
    task = propose_phone(users["community_staff"])
    worker = users["grid_worker"]
    decided = task_decide(actor=worker, task_id=task.pk, decision="confirm", note="上门核实")
    person = Person.objects.get(pk=records.person.pk)
    assert person.name == "目标居民新名"
    assert person.phone_masked == "139****1111"
    assert person.id_number_masked == records.person.id_number_masked
    assert person.home == records.home
    assert person.household == records.household
    assert person.source == "department_file:公安2026-11.xlsx"
    assert person.source_time == task.created_at
    assert person.verified_by == worker
    assert person.verified_at is not None
    assert decided.status == Status.CONFIRMED
    assert decided.decided_by == worker
    assert decided.applied == {"phone": "139****1111", "name": "目标居民新名"}
    assert AuditEntry.objects.filter(action="verification.decide", actor=worker).exists()


def test_correct_applies_the_workers_values(users: dict[str, Any], records: Records) -> None:
    task = change_propose(
        actor=users["community_staff"],
        source="self_declaration",
        record_kind="organisation",
        credit_code=records.organisation.credit_code,
        changes={"staff_count": 10},
    ).task
    assert task is not None
    task_decide(
        actor=users["grid_worker"],
        task_id=task.pk,
        decision="correct",
        corrected_values={"staff_count": "7", "small_venue": False},
    )
    org = Organisation.objects.get(pk=records.organisation.pk)
    assert (org.staff_count, org.small_venue) == (7, False)
    assert org.name == records.organisation.name
    assert org.source == "field_check"
    assert org.verified_by == users["grid_worker"]
    assert VerificationTask.objects.get(pk=task.pk).status == Status.CORRECTED


def test_reject_keeps_the_record_and_stamps_it_verified(
    users: dict[str, Any], records: Records
) -> None:
    task = change_propose(
        actor=users["community_staff"],
        source="api_push",
        record_kind="home",
        grid_code=records.home.grid.code,
        address=records.home.address,
        changes={"tenure": "vacant", "floor_area": "88.5"},
    ).task
    assert task is not None
    task_decide(actor=users["grid_worker"], task_id=task.pk, decision="reject", note="仍在出租")
    home = Home.objects.get(pk=records.home.pk)
    assert home.tenure == "rented"
    assert home.floor_area is None
    assert home.verified_by == users["grid_worker"]
    assert home.source == records.home.source


def test_rejecting_a_stale_task_leaves_the_record_unverified(
    users: dict[str, Any], records: Records
) -> None:
    stale_sweep(actor=None, days=30)
    task = VerificationTask.objects.get(record_kind="home")
    task_decide(actor=users["grid_worker"], task_id=task.pk, decision="reject")
    assert Home.objects.get(pk=records.home.pk).verified_at is None
    confirm = VerificationTask.objects.get(record_kind="organisation")
    task_decide(actor=users["grid_worker"], task_id=confirm.pk, decision="confirm")
    org = Organisation.objects.get(pk=records.organisation.pk)
    assert org.verified_by == users["grid_worker"]
    assert org.staff_count == 3


def test_decisions_check_scope_role_state_and_values(
    users: dict[str, Any], records: Records
) -> None:
    task = propose_phone(users["community_staff"])
    with pytest.raises(NotFound):
        task_decide(actor=users["sibling_dispatcher"], task_id=task.pk, decision="confirm")
    with pytest.raises(PermissionDenied):
        task_decide(actor=users["analyst"], task_id=task.pk, decision="confirm")
    with pytest.raises(InvalidInput):
        task_decide(actor=users["grid_worker"], task_id=task.pk, decision="approve")
    with pytest.raises(InvalidInput):
        task_decide(
            actor=users["grid_worker"],
            task_id=task.pk,
            decision="correct",
            corrected_values={"kind": "tourist"},
        )
    with pytest.raises(InvalidInput):
        task_decide(
            actor=users["grid_worker"],
            task_id=task.pk,
            decision="correct",
            corrected_values={"moved_in": "2026-02-01", "moved_out": "2026-01-01"},
        )
    assert Person.objects.get(pk=records.person.pk).name == records.person.name
    task_decide(actor=users["community_staff"], task_id=task.pk, decision="confirm")
    with pytest.raises(Conflict):
        task_decide(actor=users["grid_worker"], task_id=task.pk, decision="reject")


def test_a_decision_writes_only_the_decided_fields_and_decrypts_nothing_stored(
    users: dict[str, Any], records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record's sealed ID number and phone stay byte for byte: a name change neither
    opens nor re-seals them (before, the decision decrypted both to write every field)."""
    person = records.person
    task = change_propose(
        actor=users["community_staff"],
        source="api_push",
        record_kind="person",
        id_number=ID_NUMBER,
        changes={"name": "只改名字"},
    ).task
    assert task is not None

    def no_decrypt(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("a decision decrypted a stored value")

    monkeypatch.setattr("gridgov.core.crypto.decrypt", no_decrypt)
    task_decide(actor=users["grid_worker"], task_id=task.pk, decision="confirm")
    after = Person.objects.get(pk=person.pk)
    assert after.name == "只改名字"
    assert after.id_number_encrypted == person.id_number_encrypted
    assert after.phone_encrypted == person.phone_encrypted
    assert after.verified_by == users["grid_worker"]
    change = AuditEntry.objects.get(action="registry.record_change")
    assert change.detail["changed"] == ["name"]
