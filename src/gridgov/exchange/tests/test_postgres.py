"""PostgreSQL only: kill -9 mid-import, the COPY path against the portable one, a refused batch.

Each also holds a change to a verified record for its grid worker, so the
held rows go through the same transaction, checkpoint and resume.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, models

from gridgov.core import crypto
from gridgov.exchange.actions import import_job_run, import_job_start
from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tests.conftest import addresses, id_number, people_rows, write
from gridgov.registry.actions import UNMASK_FIELDS, bulk
from gridgov.registry.models import Home, Organisation, Person
from gridgov.verification.actions import SEALED_PHONE, stale_sweep, task_decide
from gridgov.verification.models import Source, VerificationTask

pytestmark = pytest.mark.postgres

MANAGE = Path(__file__).resolve().parents[4] / "manage.py"


def many_people(count: int) -> list[list[str]]:
    """`count` people with distinct valid ID numbers, sharing the grid's addresses."""
    places = addresses("320104001", 200)
    rows = []
    for i in range(count):
        birth = (date(1990, 1, 1) + timedelta(days=i // 1000)).strftime("%Y%m%d")
        number = id_number(i % 1000, birth=birth)
        rows.append([f"居民{i}", number, "", "", "", "户籍人口", places[i % len(places)], ""])
    return rows


def child_env(media: Path) -> dict[str, str]:
    """The test database, for a process of its own."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "GRIDGOV_MEDIA_ROOT": str(media)}


def import_command(path: Path, batch_size: int) -> list[str]:
    return [
        sys.executable,
        str(MANAGE),
        "registry_import",
        "people",
        str(path),
        "--actor",
        "sd",
        "--batch-size",
        str(batch_size),
    ]


@pytest.mark.django_db(transaction=True)
def test_kill_9_mid_import_loses_nothing_and_a_rerun_finishes(
    library: Any, users: Any, tmp_path: Path
) -> None:
    count, batch = 4000, 40
    rows = many_people(count)
    path = write(tmp_path / "people.csv", "people", rows)
    env = child_env(tmp_path / "media")
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        import_command(path, batch),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and child.poll() is None:
            moved = ImportJob.objects.filter(checkpoint__gt=0).exists()
            if moved:
                break
            time.sleep(0.005)
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.RUNNING
    assert 0 < job.checkpoint < count + 1
    # Whole batches only, and exactly the rows up to the checkpoint.
    assert job.rows_ok == job.batches_committed * batch == job.checkpoint - 1
    assert Person.objects.count() == job.rows_ok

    finished = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        import_command(path, batch), env=env, capture_output=True, timeout=300, check=False
    )
    assert finished.returncode == 0, finished.stderr.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows_total, job.rows_ok, job.rows_created, job.rows_updated) == (
        count,
        count,
        count,
        0,
    )
    assert job.checkpoint == count + 1
    field = UNMASK_FIELDS["id_number"]
    expected = {crypto.blind_index(row[1], field=field) for row in rows}
    stored = list(Person.objects.values_list("id_number_index", flat=True))
    assert len(stored) == count
    assert set(stored) == expected


# Columns that differ between two correct imports of the same rows.
_VOLATILE = {"id", "created_at", "updated_at", "source", "source_time", "verified_at"}


def snapshot(model: type[models.Model]) -> list[tuple[Any, ...]]:
    """Every record's stored values, ciphertexts decrypted (their nonces differ by design)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in _VOLATILE]
    result = []
    for values in model._default_manager.values_list(*names):
        row = dict(zip(names, values, strict=True))
        for name in ("id_number", "phone"):
            stored = row.pop(f"{name}_encrypted", None)
            if stored:
                row[name] = crypto.decrypt(stored, field=UNMASK_FIELDS[name])
        result.append(tuple(sorted(row.items())))
    return sorted(result)


def verify_every_other(model: type[models.Model], actor: Any) -> None:
    """Every second record (by address) checked on the ground: its stale task confirmed."""
    stale_sweep(actor=None, days=30)
    codes = list(model._default_manager.order_by("address_code").values_list("pk", flat=True))
    for pk in codes[::2]:
        task = VerificationTask.objects.get(record_id=pk, source=Source.STALE)
        task_decide(actor=actor, task_id=task.pk, decision="confirm")


def held_tasks(model: type[models.Model]) -> list[tuple[Any, ...]]:
    """The department-file tasks by their record's address, the sealed phone opened."""
    places = dict(model._default_manager.values_list("pk", "address_code"))
    return sorted(
        (
            places[t.record_id],
            t.status,
            t.assigned_to_id,
            tuple(sorted(t.proposed.items())),
            crypto.decrypt(t.sealed["phone"], field=SEALED_PHONE) if t.sealed else "",
        )
        for t in VerificationTask.objects.filter(source=Source.DEPARTMENT_FILE)
    )


def two_files(kind: str, tmp_path: Path) -> tuple[Path, Path]:
    """A first file, and a second that changes (a phone among them), repeats and adds rows."""
    if kind == "people":
        first = people_rows(8)
        second = [list(r) for r in first[2:]] + people_rows(10)[8:]
        second[0][0] = "改名"
        second[0][4] = "13900000002"
        second[1][4] = "13900000000"
        second[2][5] = "流动人口"
    elif kind == "organisations":
        place = addresses("320104001", 4)
        first = [
            ["甲公司", "91320104MA1XXXXX0P", "企业", place[0], "12"],
            ["乙单位", "121000004000003980", "事业单位", place[1], ""],
        ]
        second = [[*first[0][:4], "13"], first[1]]
    else:
        place = addresses("320104001", 5)
        first = [[p, "80", "住宅", "自住"] for p in place[:4]]
        second = [[place[0], "81", "住宅", "出租"], *first[1:], [place[4], "", "", ""]]
    return (
        write(tmp_path / f"{kind}-1.csv", kind, first),
        write(tmp_path / f"{kind}-2.csv", kind, second),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "model"), [("people", Person), ("organisations", Organisation), ("homes", Home)]
)
def test_copy_path_and_portable_path_give_the_same_records(
    library: Any,
    users: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    model: type[models.Model],
) -> None:
    actor = users["dispatcher"]
    files = two_files(kind, tmp_path)

    def import_both() -> list[tuple[Any, ...]]:
        seen: list[tuple[Any, ...]] = []
        for path in files:
            job = import_job_start(actor=actor, kind=kind, path=path, file_name=path.name)
            job = import_job_run(actor=actor, job=job, batch_size=3)
            seen.append(
                (job.rows_ok, job.rows_bad, job.rows_created, job.rows_updated, job.rows_held)
            )
            seen.append(tuple(snapshot(model)))
            if path == files[0]:
                verify_every_other(model, actor)
        seen.append(tuple(held_tasks(model)))
        return seen

    copied = import_both()
    assert copied[0][1] == 0, "every row of the first file is valid"
    assert copied[2][3] + copied[2][4] > 0, "the second file changes records"
    assert len(copied[4]) == copied[2][4] > 0, "a task for each change to a verified record"
    assert kind != "people" or "13900000002" in {t[4] for t in copied[4]}, "a phone, sealed"
    VerificationTask.objects.all().delete()
    model._default_manager.all().delete()
    ImportJob.objects.all().delete()
    monkeypatch.setattr(bulk, "UPSERTS", {})
    assert import_both() == copied


@pytest.mark.django_db
def test_a_batch_the_database_refuses_writes_nothing_and_the_rerun_resumes(
    library: Any, users: Any, tmp_path: Path
) -> None:
    actor = users["dispatcher"]
    rows = people_rows(6)
    # Row 4 changes a verified record; row 5 is refused: neither is written, nor its task.
    first = write(tmp_path / "first.csv", "people", [rows[2]])
    import_job_run(
        actor=actor,
        job=import_job_start(actor=actor, kind="people", path=first, file_name="first.csv"),
    )
    verify_every_other(Person, actor)
    rows[2][0] = "核后改名"
    rows[3][0] = "拒收"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.name = '拒收' THEN RAISE EXCEPTION 'refused by the database'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON registry_person "
            "FOR EACH ROW EXECUTE FUNCTION refuse_one()"
        )
    path = write(tmp_path / "p.csv", "people", rows)
    job = import_job_run(
        actor=actor,
        job=import_job_start(actor=actor, kind="people", path=path, file_name="p.csv"),
        batch_size=2,
    )
    assert job.status == ImportStatus.FAILED
    assert "4–5" in job.message
    # Batch 1 (rows 2–3) is in; batch 2 (rows 4–5) is not, not even its good row.
    assert job.checkpoint == 3
    assert sorted(Person.objects.values_list("name", flat=True)) == ["居民0", "居民1", "居民2"]
    assert (job.rows_held, VerificationTask.objects.filter(source="department_file").count()) == (
        0,
        0,
    )
    assert not job.errors.exists()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_one ON registry_person")
    again = import_job_start(actor=actor, kind="people", path=path, file_name="p.csv")
    assert again.pk == job.pk
    done = import_job_run(actor=actor, job=again, batch_size=2)
    assert done.status == ImportStatus.DONE
    assert (done.rows_ok, done.rows_created, done.rows_held) == (6, 5, 1)
    assert Person.objects.count() == 6
    task = VerificationTask.objects.get(source=Source.DEPARTMENT_FILE)
    assert task.proposed == {"name": "核后改名"}
    assert Person.objects.get(pk=task.record_id or 0).name == "居民2"
