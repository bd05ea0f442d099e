"""Start, run and preview imports; every write happens in a batch transaction of the pipeline."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, Problem
from gridgov.exchange.models import ImportJob, ImportKind, ImportStatus
from gridgov.exchange.pipeline import (
    BATCH_SIZE,
    BatchResult,
    CheckpointMoved,
    Preparer,
    RowIssue,
    batches,
    column_map,
    commit_batch,
)
from gridgov.exchange.readers import _reject, file_sha256, read_rows
from gridgov.jurisdiction.selectors import scope_root
from gridgov.registry.actions import WRITE_ROLES
from gridgov.registry.selectors import IMPORT_PREFIX
from gridgov.tasks.actions import task_enqueue

if TYPE_CHECKING:
    from gridgov.accounts.models import User

Progress = Callable[[ImportJob], None]

IMPORT_TASK = "gridgov.exchange.import_run"


def importer_check(actor: User) -> None:
    """Importing writes the registry: the roles that may write it may import."""
    if actor.role not in WRITE_ROLES or not actor.is_active:
        raise PermissionDenied(_("Your role may not change the registry."), code="cannot_write")


def _require_importer(actor: User, kind: str) -> None:
    importer_check(actor)
    if kind not in ImportKind.values:
        raise InvalidInput(
            _("Unknown kind of import."),
            problems=[Problem("invalid_kind", _("Unknown kind of import."), field="kind")],
        )


def _header(kind: str, path: Path) -> tuple[list[str], int]:
    rows = read_rows(path)
    first = next(rows, None)
    if first is None:
        raise _reject("empty", _("The file is empty."))
    column_map(kind, first[1])
    count = sum(1 for _ in rows)
    if not count:
        raise _reject("no_rows", _("The file has a header but no rows."))
    return first[1], count


def _store_private(path: Path, stored: Path) -> None:
    """Copy the upload where only the server's own account may read it: it holds plaintext
    ID numbers and phones. mkdir and open obey the umask, so the modes are set again."""
    stored.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored.parent.chmod(0o700)
    if path.resolve() != stored.resolve():
        handle = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as target, path.open("rb") as source:
            shutil.copyfileobj(source, target)
    stored.chmod(0o600)


@transaction.atomic
def import_job_start(*, actor: User, kind: str, path: Path, file_name: str) -> ImportJob:
    """The job for this file: a new one, or the one already made for the same content."""
    _require_importer(actor, kind)
    _header_row, count = _header(kind, path)
    digest = file_sha256(path)
    scope = scope_root(actor).code
    job = ImportJob.objects.filter(kind=kind, sha256=digest, scope_code=scope).first()
    if job is not None and job.status != ImportStatus.EXPIRED:
        return job
    stored = Path(settings.MEDIA_ROOT) / "imports" / f"{digest}{path.suffix.lower()}"
    _store_private(path, stored)
    if job is not None:
        # The same content again: the job resumes after the rows it had already committed.
        job.file_path, job.status, job.message = str(stored), ImportStatus.PENDING, ""
        job.save(update_fields=["file_path", "status", "message"])
        audit_record(actor=actor, action="exchange.import_revive", target=job)
        return job
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_path=str(stored),
        sha256=digest,
        scope_code=scope,
        rows_total=count,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="exchange.import_start",
        target=job,
        detail={"kind": kind, "file": job.file_name, "rows": count},
    )
    return job


def _require_file(job: ImportJob) -> None:
    if job.status == ImportStatus.EXPIRED:
        raise Conflict(
            _("The file was deleted after %(days)s days; upload it again to finish the import.")
            % {"days": settings.GRIDGOV_IMPORT_FILE_DAYS},
            code="file_expired",
        )


def import_job_run(
    *,
    actor: User,
    job: ImportJob,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    seconds: float | None = None,
) -> ImportJob:
    """Import the rows after the checkpoint, one committed batch at a time.

    With `seconds`, stop after the first batch that ends past that budget and leave the
    job running for the next call; without, run to the end of the file. Each batch is its
    own transaction, so no outer one may wrap this.
    """
    _require_importer(actor, job.kind)
    if job.status == ImportStatus.DONE:
        return job
    _require_file(job)
    deadline = None if seconds is None else time.monotonic() + seconds
    path = Path(job.file_path)
    rows = read_rows(path)
    _number, header = next(rows)
    columns = column_map(job.kind, header)
    job.status, job.started_at = ImportStatus.RUNNING, job.started_at or timezone.now()
    job.save(update_fields=["status", "started_at"])
    preparer = Preparer(job.kind, actor, source=f"{IMPORT_PREFIX}{job.pk}:{job.file_name}")
    pending = ((n, cells) for n, cells in rows if n > job.checkpoint)
    for batch in batches(pending, batch_size):
        result = preparer.prepare(columns, batch)
        try:
            commit_batch(job, result, last_row=batch[-1][0], actor=actor)
        except CheckpointMoved:
            # The other run owns the job now; it reports the progress and the end.
            job.refresh_from_db()
            return job
        except DatabaseError as exc:
            job.refresh_from_db()
            job.status = ImportStatus.FAILED
            job.message = str(
                _("Rows %(first)s–%(last)s were not written: %(error)s")
                % {"first": batch[0][0], "last": batch[-1][0], "error": str(exc)[:500]}
            )
            job.save(update_fields=["status", "message"])
            return job
        if progress is not None:
            progress(job)
        if deadline is not None and time.monotonic() > deadline:
            return job
    # The stored file holds plaintext ID numbers and phones: keep it no longer than needed.
    path.unlink(missing_ok=True)
    job.status, job.finished_at, job.message = ImportStatus.DONE, timezone.now(), ""
    job.file_path = ""
    job.save(update_fields=["status", "finished_at", "message", "file_path"])
    audit_record(
        actor=actor,
        action="exchange.import_done",
        target=job,
        detail={
            "ok": job.rows_ok,
            "bad": job.rows_bad,
            "created": job.rows_created,
            "updated": job.rows_updated,
            "held": job.rows_held,
            "merged": job.rows_merged,
        },
    )
    return job


@transaction.atomic
def import_job_queue(*, actor: User, job: ImportJob) -> ImportJob:
    """Commit a pending (or resume a failed) import: a worker runs it from the checkpoint.

    Only the importer commits a job: the rows are placed within the importer's jurisdiction,
    and the job was keyed to it. A job already running is left to the task it has, so a
    second click or tab queues no second run."""
    _require_importer(actor, job.kind)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require_file(job)
    if job.status not in (ImportStatus.PENDING, ImportStatus.FAILED):
        return job
    if job.created_by_id != actor.pk:
        raise PermissionDenied(
            _("Only the account that uploaded this file may import it."), code="not_importer"
        )
    job.status, job.message = ImportStatus.RUNNING, ""
    job.started_at = job.started_at or timezone.now()
    job.save(update_fields=["status", "message", "started_at"])
    audit_record(actor=actor, action="exchange.import_queue", target=job)
    task_enqueue(task=IMPORT_TASK, job_id=job.pk)
    return job


def import_job_fail(*, job_id: int, error: str) -> None:
    """A job whose task failed for good shows why, and its importer may resume it."""
    message = str(_("The import stopped: %(error)s")) % {"error": error[:500]}
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED, message=message
    )


@dataclass
class Preview:
    rows: int = 0
    ok: int = 0
    merged: int = 0
    issues: list[RowIssue] = field(default_factory=list)


def import_preview(*, actor: User, kind: str, path: Path, batch_size: int = BATCH_SIZE) -> Preview:
    """Parse and check every row, write nothing, and list every refused row."""
    _require_importer(actor, kind)
    _header(kind, path)
    rows = read_rows(path)
    _number, header = next(rows)
    columns = column_map(kind, header)
    preparer = Preparer(kind, actor, source="preview")
    preview = Preview()
    for batch in batches(rows, batch_size):
        result: BatchResult = preparer.prepare(columns, batch)
        preview.rows += len(batch)
        preview.ok += len(result.records)
        preview.merged += len(result.merged)
        preview.issues.extend(result.issues)
    return preview


@transaction.atomic
def import_files_expire(*, now: datetime | None = None) -> int:
    """Delete the stored files of imports left unfinished for GRIDGOV_IMPORT_FILE_DAYS.

    A file is kept only while its import may still go on: it holds plaintext ID numbers and
    phones, and PIPL asks that personal data be kept no longer than its purpose needs. The
    job and what it committed stay; uploading the same file revives it."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.GRIDGOV_IMPORT_FILE_DAYS)
    stale = list(
        ImportJob.objects.select_for_update()
        .exclude(Q(status=ImportStatus.DONE) | Q(file_path=""))
        .annotate(touched=Coalesce("started_at", "created_at"))
        .filter(touched__lt=cutoff)
    )
    message = str(_("The file was deleted unimported after %(days)s days.")) % {
        "days": settings.GRIDGOV_IMPORT_FILE_DAYS
    }
    for job in stale:
        Path(job.file_path).unlink(missing_ok=True)
        job.file_path, job.status, job.message = "", ImportStatus.EXPIRED, message
        job.save(update_fields=["file_path", "status", "message"])
        audit_record(actor=None, action="exchange.import_expire", target=job)
    return len(stale)
