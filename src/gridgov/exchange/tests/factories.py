"""A target import job for scope tests: made in subdistrict 320104001, named after a target."""

from __future__ import annotations

from gridgov.accounts.models import User
from gridgov.exchange.models import ImportJob, ImportKind, ImportRowError, ImportStatus
from gridgov.jurisdiction.selectors import scope_root

TARGET_FILE = "目标居民1名单.csv"


def make_target_import_job(actor: User) -> ImportJob:
    """A running job of the actor's jurisdiction with one refused row, as a crash leaves it."""
    job = ImportJob.objects.create(
        kind=ImportKind.PEOPLE,
        file_name=TARGET_FILE,
        sha256="0" * 64,
        scope_code=scope_root(actor).code,
        status=ImportStatus.RUNNING,
        rows_total=2,
        rows_bad=1,
        checkpoint=2,
        created_by=actor,
    )
    ImportRowError.objects.create(
        job=job, row=2, column="姓名", value="目标居民1", code="too_long", reason="x"
    )
    return job
