"""A department file's change to a verified record waits for the grid worker; others update."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from gridgov.audit.models import AuditEntry
from gridgov.exchange.tests.conftest import csv_bytes, people_rows
from gridgov.exchange.tests.test_api import polled
from gridgov.exchange.tests.test_api import upload as api_upload
from gridgov.registry.models import Person
from gridgov.verification.actions import stale_sweep
from gridgov.verification.models import Source, Status, VerificationTask

pytestmark = pytest.mark.django_db

V = "/api/v1/verification"
NEW_PHONE = "13900005555"


def upload(client: Any, rows: list[list[str]], name: str) -> dict[str, Any]:
    job = polled(client, api_upload(client, "people", csv_bytes("people", rows), name))
    assert job["status"] == "done"
    return job


def decide(client: Any, task: VerificationTask, decision: str = "confirm") -> None:
    response = client.post(
        f"{V}/tasks/{task.pk}/decision",
        json.dumps({"decision": decision}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def verify(client: Any, person: Person) -> None:
    """The grid worker checks the record on the ground, as the stale sweep asks."""
    stale_sweep(actor=None, days=30)
    decide(client, VerificationTask.objects.get(record_id=person.pk, source=Source.STALE))


@pytest.fixture
def imported(library: Any, users: Any, client_for: Any) -> tuple[list[list[str]], Person, Person]:
    """Six people imported; one in the grid worker's grid verified by them, one never verified."""
    rows = people_rows(6)
    upload(client_for("dispatcher"), rows, "a.csv")
    mine = Person.objects.filter(grid=users["grid_worker"].node).order_by("pk")
    verified, unverified = mine[0], mine[1]
    verify(client_for("grid_worker"), verified)
    verified.refresh_from_db()
    assert verified.verified_by == users["grid_worker"]
    return rows, verified, unverified


def row_of(rows: list[list[str]], person: Person) -> list[str]:
    return next(r for r in rows if r[0] == person.name)


def test_a_change_to_a_verified_person_is_held_for_the_grid_worker(
    imported: Any, users: Any, client_for: Any
) -> None:
    rows, verified, unverified = imported
    before = Person.objects.get(pk=verified.pk)
    changed = [list(r) for r in rows]
    target = row_of(changed, verified)
    target[0], target[4] = "核后新名", NEW_PHONE
    row_of(changed, unverified)[0] = "直接更新"
    job = upload(client_for("dispatcher"), changed, "b.csv")

    assert (job["rows_ok"], job["rows_created"], job["rows_updated"], job["rows_held"]) == (
        6,
        0,
        1,
        1,
    )
    # The never-verified record is updated directly, with the file as its source.
    direct = Person.objects.get(pk=unverified.pk)
    assert direct.name == "直接更新"
    assert direct.source.startswith(f"import:{job['id']}:")
    # The verified one is untouched until its grid worker decides.
    held = Person.objects.get(pk=verified.pk)
    assert (held.name, held.phone_index, held.source, held.updated_at) == (
        before.name,
        before.phone_index,
        before.source,
        before.updated_at,
    )
    task = VerificationTask.objects.get(source=Source.DEPARTMENT_FILE)
    assert (task.record_kind, task.record_id, task.status) == ("person", verified.pk, "pending")
    assert task.grid == verified.grid
    assert task.assigned_to == users["grid_worker"]
    assert task.proposed == {"name": "核后新名", "phone": "139****5555"}
    assert task.batch.startswith(f"import:{job['id']}:")
    assert NEW_PHONE not in json.dumps([task.proposed, task.sealed, task.fingerprint])
    audit = AuditEntry.objects.get(action="verification.import_propose")
    assert audit.detail["records"] == [verified.pk]

    # The worker sees it in their list and confirms: the record takes the file's values,
    # with the file as its source, at the import's time, verified by the worker.
    worker = client_for("grid_worker")
    listed = worker.get(f"{V}/tasks").json()
    assert task.pk in {t["id"] for t in listed}
    decide(worker, task)
    applied = Person.objects.get(pk=verified.pk)
    assert applied.name == "核后新名"
    assert applied.phone_masked == "139****5555"
    assert applied.source == f"department_file:{task.batch}"[:64]
    # The same time a record the file updated directly carries.
    assert applied.source_time == task.source_time == direct.source_time
    assert applied.verified_by == users["grid_worker"]
    assert applied.verified_at is not None
    assert before.verified_at is not None
    assert applied.verified_at > before.verified_at


def test_the_same_change_again_is_still_one_task(
    imported: Any, users: Any, client_for: Any
) -> None:
    rows, verified, _unverified = imported
    changed = [list(r) for r in rows]
    row_of(changed, verified)[4] = NEW_PHONE
    importer = client_for("dispatcher")
    first = upload(importer, changed, "b.csv")
    again = upload(importer, changed, "b.csv")
    assert again["id"] == first["id"]
    assert again["rows_held"] == 1
    # Another file (its own job) saying the same is the same change: no second task.
    reordered = upload(importer, list(reversed(changed)), "c.csv")
    assert reordered["id"] != first["id"]
    assert (reordered["rows_held"], reordered["rows_updated"]) == (1, 0)
    assert (
        VerificationTask.objects.filter(status=Status.PENDING, record_id=verified.pk)
        .filter(source=Source.DEPARTMENT_FILE)
        .count()
        == 1
    )
    # A different value for the same record is another change to verify.
    row_of(changed, verified)[4] = "13900006666"
    upload(importer, changed, "d.csv")
    assert VerificationTask.objects.filter(source=Source.DEPARTMENT_FILE).count() == 2


def test_a_verified_record_the_file_agrees_with_is_not_held(imported: Any, client_for: Any) -> None:
    rows, verified, _unverified = imported
    job = upload(client_for("dispatcher"), list(reversed(rows)), "same.csv")
    assert (job["rows_ok"], job["rows_updated"], job["rows_held"]) == (6, 0, 0)
    assert not VerificationTask.objects.filter(source=Source.DEPARTMENT_FILE).exists()
    assert Person.objects.get(pk=verified.pk).source == verified.source


def test_the_job_page_shows_held_rows(imported: Any, users: Any, client_for: Any) -> None:
    rows, verified, _unverified = imported
    changed = [list(r) for r in rows]
    row_of(changed, verified)[5] = "流动人口"
    importer = client_for("dispatcher")
    job = upload(importer, changed, "b.csv")
    page = importer.get(f"/exchange/imports/{job['id']}/")
    assert page.status_code == 200
    held = re.search(r"<dt>转网格员核实</dt><dd>(\d+)</dd>", page.content.decode())
    assert held is not None
    assert held[1] == "1"
    task = VerificationTask.objects.get(source=Source.DEPARTMENT_FILE)
    assert task.proposed == {"kind": "floating"}
