"""Large exports, written by a worker."""

from __future__ import annotations

from gridgov.exports import actions
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.exports.export_job_run")
def export_job_run(*, job_id: int) -> str:
    return actions.export_job_run(job_id=job_id)
