"""registry_import through call_command, and a raw read of every table after an import."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gridgov.exchange.models import ImportJob
from gridgov.exchange.tests.conftest import addresses, people_rows, write
from gridgov.registry.models import Organisation, Person

pytestmark = pytest.mark.django_db


def run(path: Path, kind: str = "people", **options: Any) -> str:
    out = io.StringIO()
    call_command("registry_import", kind, str(path), actor="sd", stdout=out, **options)
    return out.getvalue()


def test_command_imports_in_batches_and_a_rerun_changes_nothing(
    library: Any, users: Any, tmp_path: Path, settings: Any
) -> None:
    path = write(tmp_path / "p.csv", "people", people_rows(7))
    out = run(path, batch_size=3)
    job = ImportJob.objects.get()
    assert f"job {job.pk} done: 7 imported (7 created, 0 updated, 0 held for verification)" in out
    assert (job.batches_committed, job.checkpoint) == (3, 8)
    assert run(path, batch_size=3).startswith(f"job {job.pk} done")
    assert Person.objects.count() == 7
    assert ImportJob.objects.get().rows_created == 7
    # The stored copy of the file, with its plaintext ID numbers, is gone once done.
    assert ImportJob.objects.get().file_path == ""
    assert not any((Path(settings.MEDIA_ROOT) / "imports").iterdir())


def test_command_reports_refused_rows(library: Any, users: Any, tmp_path: Path) -> None:
    rows = people_rows(3)
    rows[1][1] = "3201041990"
    out = run(write(tmp_path / "p.csv", "people", rows))
    assert "2 imported (2 created, 0 updated, 0 held for verification), 1 refused" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"actor": "nobody"}, "No account"),
        ({"path": "missing.csv"}, "No file"),
        ({"content": "姓名,血型\n张三,A\n"}, "血型"),
    ],
)
def test_command_errors(
    library: Any, users: Any, tmp_path: Path, args: dict[str, str], message: str
) -> None:
    path = tmp_path / args.get("path", "p.csv")
    if "path" not in args:
        path.write_text(args.get("content", "姓名,身份证号,人员类别,地址\n张三,1,户籍人口,x\n"))
    with pytest.raises(CommandError, match=message):
        call_command(
            "registry_import",
            "people",
            str(path),
            actor=args.get("actor", "sd"),
            stdout=io.StringIO(),
        )
    assert not ImportJob.objects.exists()


def test_a_role_that_may_not_write_is_refused(library: Any, users: Any, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "people", people_rows(1))
    with pytest.raises(CommandError, match="registry|基础数据"):
        call_command("registry_import", "people", str(path), actor="an", stdout=io.StringIO())


def raw_dump() -> str:
    """Every row of every table, as the database returns it."""
    text: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            text.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(text)


def test_no_plaintext_id_number_or_phone_in_any_table_or_log(
    library: Any, users: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rows = people_rows(6)
    rows[1][2] = "1980-01-01"  # refused: the birth date disagrees with the ID
    rows[2][4] = "12012345678"  # refused: not a mobile number
    rows.append([*rows[0]])  # a duplicate, merged
    run(write(tmp_path / "p.csv", "people", rows), batch_size=2)
    place = addresses("320104001", 1)[0]
    run(
        write(
            tmp_path / "o.csv", "organisations", [["甲公司", "91320104MA1XXXXX0P", "企业", place]]
        ),
        kind="organisations",
    )
    assert Person.objects.count() == 4
    assert Organisation.objects.count() == 1
    dump = raw_dump()
    assert "3201**********" in dump
    assert "138****" in dump
    for row in rows:
        assert row[1] not in dump
        assert row[1] not in caplog.text
        assert row[4] not in dump
        assert row[4] not in caplog.text
