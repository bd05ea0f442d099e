from __future__ import annotations

import base64
import json
import logging
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from gridgov.audit.models import AuditEntry
from gridgov.core import crypto
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.registry import actions
from gridgov.registry.actions.change import record_change
from gridgov.registry.models import Organisation, Person, Tenancy
from gridgov.registry.tests.factories import (
    CREDIT_CODE,
    GRID,
    ID_NUMBER,
    PHONE,
    SIBLING_GRID,
    Records,
    make_records,
    resident_id,
)


def codes(exc: pytest.ExceptionInfo[InvalidInput]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in exc.value.problems}


def new_person(actor: Any, **kwargs: Any) -> Person:
    data: dict[str, Any] = {
        "id_number": ID_NUMBER,
        "name": "张三",
        "kind": "registered",
        "grid_code": GRID,
    }
    data.update(kwargs)
    return actions.person_upsert(actor=actor, **data)


def test_person_derives_birth_date_and_sex(users: dict[str, Any]) -> None:
    person = new_person(users["grid_worker"], phone="138 1234 5678")
    assert person.birth_date == date(1990, 1, 5)
    assert person.sex == "M"
    assert person.id_number_masked == "3201**********1234"
    assert person.phone_masked == "138****5678"
    assert person.community.code == "320104001001"


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"id_number": ID_NUMBER[:-1] + "5"}, ("id_number", "invalid_checksum")),
        ({"id_number": "32010219901301123X"}, ("id_number", "invalid_birth_date")),
        ({"id_number": "1234"}, ("id_number", "invalid_format")),
        ({"id_number": resident_id("32010219700101331")}, ("id_number", "invalid_region")),
        ({"birth_date": date(1990, 1, 2)}, ("birth_date", "birth_date_mismatch")),
        ({"sex": "F"}, ("sex", "sex_mismatch")),
        ({"phone": "12345"}, ("phone", "invalid_phone")),
        ({"service_tags": ["disability"]}, ("service_tags", "consent_required")),
        ({"service_tags": ["rich"], "tags_consent": True}, ("service_tags", "invalid_tag")),
        ({"kind": "tourist"}, ("kind", "invalid_choice")),
        ({"grid_code": "320104001001"}, ("grid_code", "not_a_grid")),
        (
            {"moved_in": date(2026, 2, 1), "moved_out": date(2026, 1, 1)},
            ("moved_out", "moved_out_before_in"),
        ),
    ],
)
def test_bad_person_writes_nothing(
    users: dict[str, Any], kwargs: dict[str, Any], problem: tuple[str, str]
) -> None:
    with pytest.raises(InvalidInput) as exc:
        new_person(users["community_staff"], **kwargs)
    assert problem in codes(exc)
    assert not Person.objects.exists()
    assert not AuditEntry.objects.exists()


def test_upsert_finds_the_person_by_id_number(users: dict[str, Any]) -> None:
    first = new_person(users["grid_worker"], phone=PHONE)
    again = new_person(users["grid_worker"], id_number=ID_NUMBER.lower(), name="张三丰")
    assert again.pk == first.pk
    assert again.name == "张三丰"
    assert again.phone_masked == ""
    assert Person.objects.count() == 1


def test_person_of_another_jurisdiction_is_a_conflict(users: dict[str, Any]) -> None:
    new_person(users["community_staff"])
    with pytest.raises(Conflict):
        new_person(users["sibling_dispatcher"], grid_code=SIBLING_GRID)
    with pytest.raises(NotFound):
        new_person(users["grid_worker"], grid_code=SIBLING_GRID)


def test_roles_that_may_not_write(users: dict[str, Any]) -> None:
    for role in ("analyst", "system_admin", "auditor"):
        with pytest.raises(PermissionDenied):
            new_person(users[role])


def test_placed_by_coordinates_or_home(users: dict[str, Any]) -> None:
    home = actions.home_upsert(actor=users["community_staff"], address="一号", lon=118.1, lat=31.7)
    assert home.grid.code == GRID
    person = new_person(users["community_staff"], grid_code=None, home=home)
    assert person.grid == home.grid


def test_credit_code_checked(users: dict[str, Any]) -> None:
    bad = CREDIT_CODE[:-1] + ("0" if CREDIT_CODE[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        actions.organisation_upsert(
            actor=users["grid_worker"],
            credit_code=bad,
            name="店",
            kind="enterprise",
            grid_code=GRID,
        )
    assert ("credit_code", "invalid_checksum") in codes(exc)
    with pytest.raises(InvalidInput) as exc:
        actions.organisation_upsert(
            actor=users["grid_worker"],
            credit_code="abc",
            name="店",
            kind="enterprise",
            grid_code=GRID,
        )
    assert ("credit_code", "invalid_format") in codes(exc)
    assert not Organisation.objects.exists()


def test_compound_company_rules(users: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as exc:
        actions.compound_upsert(
            actor=users["grid_worker"], name="小区", managed=True, grid_code=GRID
        )
    assert ("company", "company_required") in codes(exc)
    with pytest.raises(InvalidInput):
        actions.compound_upsert(
            actor=users["grid_worker"], name="小区", managed=False, company="物业", grid_code=GRID
        )


def test_tenancy_add_and_end(records: Records, users: dict[str, Any]) -> None:
    actor = users["community_staff"]
    assert records.home.tenure == "rented"
    with pytest.raises(Conflict):
        actions.tenancy_add(
            actor=actor, home=records.home, person=records.tenant, start=date(2026, 2, 1)
        )
    with pytest.raises(InvalidInput):
        actions.tenancy_end(actor=actor, tenancy=records.tenancy, end=date(2025, 1, 1))
    actions.tenancy_end(actor=actor, tenancy=records.tenancy, end=date(2026, 6, 30))
    assert Tenancy.objects.get().end == date(2026, 6, 30)
    with pytest.raises(Conflict):
        actions.tenancy_end(actor=actor, tenancy=records.tenancy, end=date(2026, 7, 1))


def test_unmask_rules(records: Records, users: dict[str, Any]) -> None:
    pid = records.person.pk
    assert (
        actions.pii_unmask(
            actor=users["community_staff"], person_id=pid, field="id_number", purpose="办理居住证"
        )
        == ID_NUMBER
    )
    assert (
        actions.pii_unmask(actor=users["dispatcher"], person_id=pid, field="phone", purpose="回访")
        == PHONE
    )
    for role in ("grid_worker", "analyst", "system_admin", "security_admin", "auditor"):
        with pytest.raises(PermissionDenied):
            actions.pii_unmask(actor=users[role], person_id=pid, field="phone", purpose="x")
    with pytest.raises(NotFound):
        actions.pii_unmask(
            actor=users["sibling_dispatcher"], person_id=pid, field="phone", purpose="x"
        )
    with pytest.raises(InvalidInput) as exc:
        actions.pii_unmask(
            actor=users["community_staff"], person_id=pid, field="name", purpose="  "
        )
    assert codes(exc) == {("field", "invalid_field"), ("purpose", "purpose_required")}
    entries = AuditEntry.objects.filter(action=actions.UNMASK_ACTION).order_by("id")
    assert [(e.actor, e.detail["field"], e.detail["purpose"]) for e in entries] == [
        (users["community_staff"], "id_number", "办理居住证"),
        (users["dispatcher"], "phone", "回访"),
    ]
    assert entries[0].target_id == str(pid)
    assert entries[0].detail["masked"] == "3201**********1234"


def test_unmask_is_rate_limited(records: Records, users: dict[str, Any], settings: Any) -> None:
    settings.GRIDGOV_UNMASK_PER_HOUR = 3
    for _ in range(3):
        actions.pii_unmask(
            actor=users["community_staff"],
            person_id=records.person.pk,
            field="phone",
            purpose="回访",
        )
    with pytest.raises(actions.RateLimited) as exc:
        actions.pii_unmask(
            actor=users["community_staff"],
            person_id=records.person.pk,
            field="phone",
            purpose="回访",
        )
    assert exc.value.status == 429
    assert exc.value.code == "rate_limited"
    assert (
        actions.pii_unmask(
            actor=users["dispatcher"], person_id=records.person.pk, field="phone", purpose="回访"
        )
        == PHONE
    )


def test_purpose_is_redacted_in_the_audit(records: Records, users: dict[str, Any]) -> None:
    actions.pii_unmask(
        actor=users["community_staff"],
        person_id=records.person.pk,
        field="phone",
        purpose=f"核对 {ID_NUMBER}",
    )
    entry = AuditEntry.objects.get(action=actions.UNMASK_ACTION)
    assert ID_NUMBER not in json.dumps(entry.detail, ensure_ascii=False)


REGISTRY_TABLES = [
    "registry_person",
    "registry_home",
    "registry_household",
    "registry_tenancy",
    "registry_organisation",
    "registry_compound",
    "audit_auditentry",
]


def raw_dump() -> str:
    text: list[str] = []
    with connection.cursor() as cursor:
        for table in REGISTRY_TABLES:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            text.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(text)


def test_no_plaintext_in_tables_or_logs(
    records: Records, users: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    extra = make_records(users["community_staff"], seed="2")
    actions.pii_unmask(
        actor=users["community_staff"],
        person_id=records.person.pk,
        field="id_number",
        purpose="核对",
    )
    secrets = [
        ID_NUMBER,
        PHONE,
        resident_id("32010219850501004"),
        "13912345672",
        resident_id("32010219900102123"),
    ]
    dump = raw_dump()
    assert "3201**********1234" in dump
    for secret in secrets:
        assert secret not in dump
        assert secret not in caplog.text
    assert extra.person.phone_masked == "139****5672"


def test_rotation_re_encrypts_everything(
    records: Records, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = base64.b64encode(b"o" * 32).decode()
    new = base64.b64encode(b"n" * 32).decode()
    index_key = base64.b64encode(b"i" * 32).decode()
    monkeypatch.setenv(crypto.BLIND_INDEX_ENV, index_key)
    monkeypatch.setenv(crypto.KEYS_ENV, f"k1:{old}")
    monkeypatch.setenv(crypto.CURRENT_ENV, "k1")
    other = new_person(
        users["community_staff"], id_number=resident_id("32010219900301331"), phone="13700001111"
    )
    monkeypatch.setenv(crypto.KEYS_ENV, f"k1:{old},k2:{new},dev:{_dev_key()}")
    monkeypatch.setenv(crypto.CURRENT_ENV, "k2")
    call_command("registry_rotate_keys", batch_size=1, stdout=_Sink())
    call_command("registry_rotate_keys", stdout=_Sink())
    monkeypatch.setenv(crypto.KEYS_ENV, f"k2:{new}")
    for person in Person.objects.all():
        assert person.id_number_encrypted.startswith("k2:")
        assert not person.phone_encrypted or person.phone_encrypted.startswith("k2:")
    staff = users["community_staff"]
    assert (
        actions.pii_unmask(actor=staff, person_id=other.pk, field="phone", purpose="核对")
        == "13700001111"
    )
    assert (
        actions.pii_unmask(
            actor=staff, person_id=records.person.pk, field="id_number", purpose="核对"
        )
        == ID_NUMBER
    )


def _dev_key() -> str:
    return base64.b64encode(crypto._derived("data-key")).decode()


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_service_tags_with_consent_and_verification(users: dict[str, Any]) -> None:
    person = new_person(
        users["grid_worker"],
        service_tags=["elderly_alone", "disability", "disability"],
        tags_consent=True,
        verified=True,
        source="公安户籍",
    )
    assert person.service_tags == ["disability", "elderly_alone"]
    assert person.tags_consent_at is not None
    assert person.verified_by == users["grid_worker"]
    assert person.verified_at is not None
    cleared = new_person(users["grid_worker"])
    assert cleared.service_tags == []
    assert cleared.tags_consent_at is None
    assert cleared.verified_at is not None


@pytest.mark.django_db
def test_a_partial_change_checks_what_it_changes_and_never_the_key(
    records: Records, users: dict[str, Any]
) -> None:
    staff = users["community_staff"]
    person = records.person
    dates = (person.moved_in, person.moved_out)
    with pytest.raises(InvalidInput) as refused:
        record_change(
            actor=staff,
            kind="person",
            record=person,
            values={"id_number": "x", "moved_in": date(2024, 5, 1), "moved_out": date(2020, 1, 1)},
            source="api_push",
            source_time=None,
        )
    assert codes(refused) == {("id_number", "unknown_field"), ("moved_out", "moved_out_before_in")}
    stored = Person.objects.get(pk=person.pk)
    assert (stored.moved_in, stored.moved_out) == dates
    record_change(
        actor=staff,
        kind="person",
        record=stored,
        values={"phone": "13900003333", "name": stored.name},
        source="api_push",
        source_time=None,
    )
    changed = Person.objects.get(pk=person.pk)
    assert changed.phone_masked == "139****3333"
    assert changed.phone_index == crypto.blind_index("13900003333", field=crypto.PERSON_PHONE)
    assert changed.id_number_encrypted == person.id_number_encrypted
    assert changed.verified_at == stored.verified_at
    assert AuditEntry.objects.get(action="registry.record_change").detail["changed"] == [
        "phone_encrypted",
        "phone_index",
        "phone_masked",
    ]
    sibling = users["sibling_dispatcher"]
    with pytest.raises(NotFound):
        record_change(
            actor=sibling, kind="person", record=changed, values={}, source="", source_time=None
        )
