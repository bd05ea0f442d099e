"""The demo's registry, import jobs: real seeds on the real database, read back."""

from __future__ import annotations

from django.db import connection
from stdnum.cn import ric, uscc

from gridgov.core import crypto
from gridgov.exchange.models import ImportJob, ImportRowError, ImportStatus
from gridgov.registry.models import Compound, Organisation, Person, Tenancy
from gridgov.verification.models import Status, VerificationTask


def _plaintexts() -> list[str]:
    return [
        crypto.decrypt(p.id_number_encrypted, field="person.id_number")
        for p in Person.objects.all()
    ]


def test_small_seed_registers_people_with_valid_numbers_from_their_district(seeded):
    people = list(Person.objects.select_related("grid"))
    assert len(people) >= 2_000
    for person in people:
        number = crypto.decrypt(person.id_number_encrypted, field="person.id_number")
        assert ric.is_valid(number)
        assert number[:6] == person.grid.code[:6]
        assert ric.get_birth_date(number) == person.birth_date
        assert person.id_number_masked == crypto.mask_id_number(number)
    kinds = {p.kind for p in people}
    assert kinds == {"registered", "floating", "lodging"}
    assert sum(1 for p in people if p.phone_masked) > len(people) // 3


def test_small_seed_registers_organisations_compounds_and_tenancies(seeded):
    codes = list(Organisation.objects.values_list("credit_code", flat=True))
    assert codes
    assert all(uscc.is_valid(code) for code in codes)
    assert {c.managed for c in Compound.objects.all()} == {True, False}
    assert Tenancy.objects.filter(home__tenure="rented", person__kind="floating").exists()


def test_small_seed_leaves_a_finished_import_one_with_refused_rows_and_a_failed_one(seeded):
    statuses = set(ImportJob.objects.values_list("status", flat=True))
    assert statuses == {ImportStatus.DONE, ImportStatus.FAILED}
    assert ImportJob.objects.filter(status=ImportStatus.DONE, rows_bad__gt=0).exists()
    codes = set(ImportRowError.objects.values_list("code", flat=True))
    assert {"invalid_checksum", "address_road_not_found", "required"} <= codes


def test_no_table_holds_a_plaintext_id_number_or_phone(seeded):
    numbers = _plaintexts()
    phones = [
        crypto.decrypt(p.phone_encrypted, field="person.phone")
        for p in Person.objects.exclude(phone_encrypted="")
    ]
    secrets = {*numbers, *phones}
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    assert not (isinstance(value, str) and value in secrets), table


def test_small_seed_gives_the_grid_worker_tasks_in_every_state_and_a_newcomer(seeded):
    tasks = VerificationTask.objects.all()
    assert set(tasks.values_list("status", flat=True)) == set(Status.values)
    newcomer = tasks.get(record_id__isnull=True)
    assert newcomer.status == Status.PENDING
    assert newcomer.source == "self_declaration"
