from __future__ import annotations

import stat
from pathlib import Path

import pytest
from openpyxl import Workbook

from gridgov.addresses.selectors import address_match_many
from gridgov.audit.models import AuditEntry
from gridgov.exchange import pipeline
from gridgov.exchange.actions import import_job_run, import_job_start, import_preview
from gridgov.exchange.columns import headers
from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.readers import FileRejected
from gridgov.exchange.tests.conftest import addresses, id_number, people_rows, write
from gridgov.registry.models import Organisation, Person

pytestmark = pytest.mark.django_db


def run(users, path: Path, kind: str = "people", batch_size: int = 4) -> ImportJob:
    actor = users["dispatcher"]
    job = import_job_start(actor=actor, kind=kind, path=path, file_name=path.name)
    return import_job_run(actor=actor, job=job, batch_size=batch_size)


def test_import_creates_people_in_batches_with_checkpoint(library, users, tmp_path):
    rows = people_rows(10)
    job = run(users, write(tmp_path / "p.csv", "people", rows))
    assert job.status == ImportStatus.DONE
    assert (job.rows_ok, job.rows_bad, job.rows_created, job.batches_committed) == (10, 0, 10, 3)
    assert job.checkpoint == 11
    person = Person.objects.get(name="居民3")
    assert person.id_number_masked == "3201**********" + id_number(3)[-4:]
    assert person.grid.code.startswith("320104001")
    assert person.source.startswith(f"import:{job.pk}:")


def test_same_file_again_is_the_same_job_and_changes_nothing(library, users, tmp_path):
    path = write(tmp_path / "p.csv", "people", people_rows(6))
    first = run(users, path)
    again = run(users, path)
    assert again.pk == first.pk
    assert Person.objects.count() == 6


def test_same_rows_in_another_file_write_nothing(library, users, tmp_path):
    rows = people_rows(6)
    run(users, write(tmp_path / "a.csv", "people", rows))
    stamps = dict(Person.objects.values_list("id", "updated_at"))
    audits = AuditEntry.objects.filter(action="exchange.import_batch").count()
    book = Workbook()
    sheet = book.active
    sheet.append(headers("people"))
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "b.xlsx")
    job = run(users, tmp_path / "b.xlsx")
    assert (job.rows_ok, job.rows_created, job.rows_updated) == (6, 0, 0)
    assert dict(Person.objects.values_list("id", "updated_at")) == stamps
    assert AuditEntry.objects.filter(action="exchange.import_batch").count() == audits


def test_changed_row_updates_with_provenance(library, users, tmp_path):
    rows = people_rows(3)
    run(users, write(tmp_path / "a.csv", "people", rows))
    rows[1][0] = "改名"
    job = run(users, write(tmp_path / "b.csv", "people", rows))
    assert (job.rows_created, job.rows_updated) == (0, 1)
    person = Person.objects.get(name="改名")
    assert person.source.startswith(f"import:{job.pk}:")
    assert Person.objects.count() == 3


def test_duplicates_in_the_file_are_merged_last_wins(library, users, tmp_path):
    rows = people_rows(3)
    rows.append([*rows[0]])
    rows[-1][0] = "后来者"
    job = run(users, write(tmp_path / "a.csv", "people", rows), batch_size=10)
    assert (job.rows_ok, job.rows_merged, job.rows_created) == (3, 1, 3)
    assert Person.objects.filter(name="后来者").count() == 1
    assert job.errors.get().code == "duplicate_merged"


def test_bad_rows_are_reported_and_never_written(library, users, tmp_path):
    rows = people_rows(6)
    rows[0][1] = rows[0][1][:-1] + ("0" if rows[0][1][-1] != "0" else "1")
    rows[1][2] = "1985-02-03"
    rows[2][6] = "不存在路999号"
    rows[3][5] = "外星人"
    outside = addresses("320104002", 1)[0]
    rows[4][6] = outside
    job = run(users, write(tmp_path / "a.csv", "people", rows))
    assert (job.rows_ok, job.rows_bad) == (1, 5)
    codes = {e.row: e.code for e in job.errors.all()}
    assert codes == {
        2: "invalid_checksum",
        3: "birth_date_mismatch",
        4: "address_road_not_found",
        5: "invalid_choice",
        6: "address_not_found",
    }
    masked = job.errors.get(row=2)
    assert masked.value.startswith("3201*")
    assert masked.column == "身份证号"
    assert Person.objects.count() == 1


def test_preview_lists_every_bad_row_and_writes_nothing(library, users, tmp_path):
    rows = people_rows(4)
    rows[2][1] = "123"
    preview = import_preview(
        actor=users["dispatcher"], kind="people", path=write(tmp_path / "a.csv", "people", rows)
    )
    assert (preview.rows, preview.ok) == (4, 3)
    assert [(i.row, i.code) for i in preview.issues] == [(4, "invalid_format")]
    assert not Person.objects.exists()
    assert not ImportJob.objects.exists()


def test_organisations_with_an_invalid_credit_code(library, users, tmp_path):
    place = addresses("320104001", 2)
    rows = [
        ["甲公司", "91320104MA1XXXXX0P", "企业", place[0], "12"],
        ["乙公司", "91320104MA1XXXXX0Q", "企业", place[1], ""],
    ]
    job = run(users, write(tmp_path / "o.csv", "organisations", rows), kind="organisations")
    assert (job.rows_ok, job.rows_bad) == (1, 1)
    assert job.errors.get().code == "invalid_checksum"
    assert Organisation.objects.get().address_code


def test_homes_are_keyed_by_address(library, users, tmp_path):
    place = addresses("320104001", 2)
    path = write(tmp_path / "h.csv", "homes", [[place[0], "80", "住宅", "出租"], [place[1]]])
    job = run(users, path, kind="homes")
    assert (job.rows_ok, job.rows_created) == (2, 2)
    job = run(
        users, write(tmp_path / "h2.csv", "homes", [[place[0], "81", "住宅", "出租"]]), "homes"
    )
    assert (job.rows_created, job.rows_updated) == (0, 1)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        ("姓名,身份证号,人员类别,地址,血型\n".encode(), "bad_columns"),
        ("姓名,身份证号\n".encode(), "bad_columns"),
        ("姓名,身份证号,人员类别,地址\n".encode(), "no_rows"),
        (b"PK\x03\x04garbage", "corrupt"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "wrong_kind"),
    ],
)
def test_file_level_errors(library, users, tmp_path, content, code):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(FileRejected) as raised:
        import_job_start(actor=users["dispatcher"], kind="people", path=path, file_name="f.csv")
    assert raised.value.problems[0].code == code
    assert not ImportJob.objects.exists()


def test_gb18030_csv_is_read(library, users, tmp_path):
    path = write(tmp_path / "g.csv", "people", people_rows(2), encoding="gb18030")
    assert run(users, path).rows_ok == 2


def test_each_distinct_address_is_matched_once_per_import(library, users, tmp_path, monkeypatch):
    matched: list[str] = []

    def counting(user, texts):
        matched.extend(texts)
        return address_match_many(user, texts)

    monkeypatch.setattr(pipeline, "address_match_many", counting)
    rows = people_rows(6)
    household = [row[:6] + [rows[i % 2][6]] + row[7:] for i, row in enumerate(rows)]
    job = run(users, write(tmp_path / "p.csv", "people", household), batch_size=2)
    assert (job.rows_ok, job.rows_created) == (6, 6)
    assert sorted(matched) == sorted({rows[0][6], rows[1][6]})
    by_address = dict(Person.objects.values_list("name", "address_code"))
    assert len({by_address[f"居民{i}"] for i in (0, 2, 4)}) == 1
    assert by_address["居民0"] != by_address["居民1"]


def test_stored_import_files_are_readable_by_the_server_only(library, users, tmp_path):
    path = write(tmp_path / "p.csv", "people", people_rows(2))
    path.chmod(0o644)
    job = import_job_start(actor=users["dispatcher"], kind="people", path=path, file_name="p.csv")
    stored = Path(job.file_path)
    assert stored.read_bytes() == path.read_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


def test_error_rows_mask_identifiers_in_every_column(library, users, tmp_path):
    rows = people_rows(3)
    rows[0][6] = f"住{id_number(7)}号"
    rows[1][0] = "张三13912345678" * 8
    job = run(users, write(tmp_path / "a.csv", "people", rows))
    assert job.rows_bad == 2
    stored = " ".join(f"{e.value} {e.reason}" for e in job.errors.all())
    assert id_number(7) not in stored
    assert "3201**********" + id_number(7)[-4:] in stored
    assert "13912345678" not in stored
    assert "139****5678" in stored
