"""An uploaded file holds plaintext personal data: unimported, it is deleted after the set days,
and uploading it again picks the job up where it stopped."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.core.errors import Conflict
from gridgov.exchange.actions import import_files_expire, import_job_run, import_job_start
from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tests.conftest import people_rows, write
from gridgov.registry.models import Person

pytestmark = pytest.mark.django_db


def start(users, path: Path) -> ImportJob:
    return import_job_start(
        actor=users["dispatcher"], kind="people", path=path, file_name=path.name
    )


def test_only_files_left_unimported_past_the_days_are_deleted(library, users, tmp_path, settings):
    settings.GRIDGOV_IMPORT_FILE_DAYS = 7
    rows = people_rows(4)
    old = start(users, write(tmp_path / "old.csv", "people", rows[:2]))
    recent = start(users, write(tmp_path / "new.csv", "people", rows[2:3]))
    done = start(users, write(tmp_path / "done.csv", "people", rows[3:]))
    import_job_run(actor=users["dispatcher"], job=done)
    ImportJob.objects.filter(pk__in=[old.pk, done.pk]).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    stored = Path(old.file_path)

    assert import_files_expire() == 1

    old.refresh_from_db()
    assert (old.status, old.file_path) == (ImportStatus.EXPIRED, "")
    assert not stored.exists()
    assert "7" in old.message
    assert Path(ImportJob.objects.get(pk=recent.pk).file_path).exists()
    assert ImportJob.objects.get(pk=done.pk).status == ImportStatus.DONE
    assert AuditEntry.objects.filter(action="exchange.import_expire").count() == 1
    assert import_files_expire() == 0


def test_an_expired_job_refuses_to_run_and_the_same_file_revives_it(
    library, users, tmp_path, settings
):
    path = write(tmp_path / "p.csv", "people", people_rows(3))
    job = start(users, path)
    import_files_expire(now=timezone.now() + timedelta(days=settings.GRIDGOV_IMPORT_FILE_DAYS + 1))
    job.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        import_job_run(actor=users["dispatcher"], job=job)
    assert refused.value.code == "file_expired"

    again = start(users, path)
    assert (again.pk, again.status) == (job.pk, ImportStatus.PENDING)
    assert import_job_run(actor=users["dispatcher"], job=again).status == ImportStatus.DONE
    assert Person.objects.count() == 3


def test_the_command_reports_what_it_deleted(library, users, tmp_path):
    start(users, write(tmp_path / "p.csv", "people", people_rows(1)))
    ImportJob.objects.update(created_at=timezone.now() - timedelta(days=30))
    out = StringIO()
    call_command("exchange_expire_files", stdout=out)
    assert out.getvalue().strip() == "exchange: 1 stored import files deleted"


def test_the_job_page_says_the_file_is_gone_and_what_to_do(library, users, tmp_path):
    job = start(users, write(tmp_path / "p.csv", "people", people_rows(1)))
    import_files_expire(now=timezone.now() + timedelta(days=30))
    client = login(Client(), users["dispatcher"])
    page = client.get(f"/exchange/imports/{job.pk}/").content.decode()
    assert "文件已过期" in page
    assert "天内未导入，已删除" in page
    refused = client.post(f"/exchange/imports/{job.pk}/progress")
    assert refused.status_code == 409
    assert "请重新上传以完成导入" in refused.content.decode()
