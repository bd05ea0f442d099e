"""The import pages through the test client: upload, preview, commit, polled progress, my jobs."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tasks import import_run
from gridgov.exchange.tests.conftest import csv_bytes, people_rows
from gridgov.registry.models import Person
from gridgov.tasks.models import OutboxMessage

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


def test_commit_queues_the_import_and_polling_only_reads(
    library: Any, client_for: Any, settings: Any
) -> None:
    # Two rows per batch, so the progress shows between batches.
    settings.GRIDGOV_IMPORT_BATCH_SIZE = 2
    client = client_for("dispatcher")
    rows = people_rows(5)
    rows[4][1] = "123"
    upload(client, rows)
    job = ImportJob.objects.get()
    url = f"/exchange/imports/{job.pk}/progress"
    fragment = client.post(url, **HTMX)
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert f'hx-get="{url}"' in body
    assert 'hx-trigger="load delay:1s"' in body
    assert "hx-post" not in body
    # Queued, not run: the transaction that queued it has not been seen to commit here.
    assert Person.objects.count() == 0
    assert OutboxMessage.objects.get().kwargs == {"job_id": job.pk}
    # Polling reads and never advances the job.
    assert '<progress max="100" value="0"' in client.get(url, **HTMX).content.decode()
    assert Person.objects.count() == 0
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows_ok, job.rows_bad, job.percent, job.batches_committed) == (4, 1, 100, 3)
    body = client.get(url, **HTMX).content.decode()
    assert "hx-trigger" not in body
    assert '<progress max="100" value="100"' in body
    assert f"/api/v1/exchange/imports/{job.pk}/errors.csv" in body
    assert Person.objects.count() == 4


def test_the_committed_import_runs_once_its_transaction_commits(
    library: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("dispatcher")
    upload(client, people_rows(2))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/exchange/imports/{job.pk}/progress")
    assert response.status_code == 302
    assert response["Location"] == f"/exchange/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert not OutboxMessage.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in page
    assert "2" in re.sub(r"\s+", " ", page)


def test_a_second_commit_queues_no_second_run(library: Any, client_for: Any) -> None:
    client = client_for("dispatcher")
    upload(client, people_rows(2))
    job = ImportJob.objects.get()
    client.post(f"/exchange/imports/{job.pk}/progress", **HTMX)
    client.post(f"/exchange/imports/{job.pk}/progress", **HTMX)
    assert OutboxMessage.objects.count() == 1


def test_others_in_scope_watch_but_only_the_importer_commits(library: Any, client_for: Any) -> None:
    upload(client_for("dispatcher"), people_rows(3))
    job = ImportJob.objects.get()
    url = f"/exchange/imports/{job.pk}/progress"
    commander = client_for("commander")
    assert commander.post(url, **HTMX).status_code == 403
    client_for("dispatcher").post(url, **HTMX)
    watched = commander.get(url, **HTMX).content.decode()
    assert f'hx-get="{url}"' in watched
    assert "hx-post" not in watched
    assert OutboxMessage.objects.count() == 1


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
