"""The import task: the whole file, in chunks, each committed batch at the job's checkpoint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from gridgov.exchange import actions
from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.tasks.actions import task_enqueue
from gridgov.tasks.engine import GridTask, app

# One task runs this long, then queues the next chunk: well inside RabbitMQ's 30-minute
# consumer timeout, and a killed worker loses at most one chunk's uncommitted batch.
CHUNK_SECONDS = 60.0


class ImportTask(GridTask):
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        super().on_failure(exc, task_id, args, kwargs, einfo)
        actions.import_job_fail(job_id=kwargs["job_id"], error=str(exc))


@app.task(base=ImportTask, name=actions.IMPORT_TASK)
def import_run(*, job_id: int) -> None:
    """Safe to deliver twice: batches commit only at the checkpoint they read, and a job no
    longer running (done, failed, expired) is left alone."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.RUNNING or job.created_by is None:
        return
    job = actions.import_job_run(
        actor=job.created_by,
        job=job,
        batch_size=settings.GRIDGOV_IMPORT_BATCH_SIZE,
        seconds=CHUNK_SECONDS,
    )
    if job.status == ImportStatus.RUNNING:
        with transaction.atomic():
            task_enqueue(task=actions.IMPORT_TASK, job_id=job.pk)
