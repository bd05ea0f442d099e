"""The import pages through the test client: upload, preview, commit, polled progress, my jobs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.exchange import actions
from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tests.conftest import csv_bytes, people_rows
from gridgov.registry.models import Person

HTMX = {"HTTP_HX_REQUEST": "true"}


def upload(client: Client, rows: list[list[str]], name: str = "人员.csv") -> Any:
    return client.post(
        "/exchange/",
        {"kind": "people", "file": SimpleUploadedFile(name, csv_bytes("people", rows))},
    )


def test_import_page_offers_the_templates_and_my_jobs(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    upload(client, people_rows(1), "我的文件.csv")
    upload(client_for("commander"), people_rows(2), "区里的文件.csv")
    page = client.get("/exchange/")
    assert page.status_code == 200
    body = page.content.decode()
    for kind in ("people", "homes", "organisations"):
        assert f"/api/v1/exchange/templates/{kind}.csv" in body
        assert f"/api/v1/exchange/templates/{kind}.xlsx" in body
    assert "我的文件.csv" in body
    assert "区里的文件.csv" not in body


def test_registry_search_links_to_the_import_page(client_for: Any) -> None:
    assert 'href="/exchange/"' in client_for("dispatcher").get("/registry/").content.decode()


def test_a_role_that_may_not_write_is_forbidden(library: Any, client_for: Any) -> None:
    assert client_for("analyst").get("/exchange/").status_code == 403
    assert upload(client_for("analyst"), people_rows(1)).status_code == 403
    assert not ImportJob.objects.exists()


def test_upload_shows_the_preview_and_writes_nothing(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    rows = people_rows(4)
    rows[1][2] = "1985-02-03"
    rows[3][6] = "火星路1号"
    response = upload(client, rows)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/imports/{job.pk}/"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert job.status == ImportStatus.PENDING
    problems = re.findall(
        r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]+)</td></tr>',
        body,
    )
    assert [(row, column, value) for row, column, value, _ in problems] == [
        ("3", "出生日期", "1985-02-03"),
        ("5", "地址", "火星路1号"),
    ]
    assert f'hx-post="/exchange/imports/{job.pk}/progress"' in body
    assert not Person.objects.exists()


def test_a_rejected_file_is_explained_on_the_page(library: Any, client_for: Any) -> None:
    response = client_for("dispatcher").post(
        "/exchange/",
        {"kind": "people", "file": SimpleUploadedFile("a.csv", "姓名,血型\n张三,A\n".encode())},
    )
    assert response.status_code == 422
    assert "血型" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_commit_and_poll_until_done(
    library: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One batch of two rows per polling request, so the progress shows between them.
    monkeypatch.setattr(actions, "PAGE_SLICE_SECONDS", 0)
    monkeypatch.setattr(actions, "PAGE_BATCH_SIZE", 2)
    client = client_for("dispatcher")
    rows = people_rows(5)
    rows[4][1] = "123"
    upload(client, rows)
    job = ImportJob.objects.get()
    url = f"/exchange/imports/{job.pk}/progress"
    fragment = client.post(url, **HTMX)
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert 'id="job-state"' in body
    assert f'hx-post="{url}"' in body
    assert 'hx-trigger="load delay:1s"' in body
    assert '<progress max="100" value="40"' in body
    assert Person.objects.count() == 2
    # Opening the job page again while it runs keeps it polling.
    assert f'hx-post="{url}"' in client.get(f"/exchange/imports/{job.pk}/").content.decode()
    for _ in range(5):
        body = client.post(url, **HTMX).content.decode()
        if "hx-trigger" not in body:
            break
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows_ok, job.rows_bad, job.percent) == (4, 1, 100)
    assert '<progress max="100" value="100"' in body
    assert f"/api/v1/exchange/imports/{job.pk}/errors.csv" in body
    assert Person.objects.count() == 4


def test_without_htmx_the_commit_redirects_to_the_job(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    upload(client, people_rows(2))
    job = ImportJob.objects.get()
    response = client.post(f"/exchange/imports/{job.pk}/progress")
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    page = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in page
    assert "2" in re.sub(r"\s+", " ", page)


def test_others_in_scope_watch_but_only_the_importer_advances(
    library: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "PAGE_SLICE_SECONDS", 0)
    monkeypatch.setattr(actions, "PAGE_BATCH_SIZE", 1)
    upload(client_for("dispatcher"), people_rows(3))
    job = ImportJob.objects.get()
    url = f"/exchange/imports/{job.pk}/progress"
    client_for("dispatcher").post(url, **HTMX)
    commander = client_for("commander")
    watched = commander.get(url, **HTMX).content.decode()
    assert f'hx-get="{url}"' in watched
    assert "hx-post" not in watched
    assert commander.post(url, **HTMX).status_code == 403
    assert ImportJob.objects.get().rows_ok == 1


def test_a_sibling_jurisdictions_job_is_not_found(library: Any, client_for: Any) -> None:
    upload(client_for("dispatcher"), people_rows(1))
    job = ImportJob.objects.get()
    sibling = client_for("sibling_dispatcher")
    assert sibling.get(f"/exchange/imports/{job.pk}/").status_code == 404
    assert sibling.get(f"/exchange/imports/{job.pk}/progress", **HTMX).status_code == 404
    assert sibling.post(f"/exchange/imports/{job.pk}/progress", **HTMX).status_code == 404
    assert "人员.csv" not in sibling.get("/exchange/").content.decode()


def test_the_page_is_in_chinese(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    client.cookies["django_language"] = "zh-hans"
    body = client.get("/exchange/").content.decode()
    assert "导入基础数据" in body
    assert "上传并检查" in body
