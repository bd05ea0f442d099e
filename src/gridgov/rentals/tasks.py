"""The rule run's chunks and the daily run and follow-up, on Celery (ADR 0018)."""

from __future__ import annotations

from gridgov.jurisdiction.models import Level, Node
from gridgov.rentals import actions
from gridgov.tasks.actions import task_enqueue
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name=actions.RUN_TASK)
def rules_run_advance(run_id: int) -> bool:
    """A minute of chunks, then the next minute queued: RabbitMQ bounds a task's time."""
    finished = actions.rules_run_advance(run_id=run_id)
    if not finished:
        task_enqueue(task=actions.RUN_TASK, run_id=run_id)
    return finished


@app.task(base=GridTask, name="gridgov.rentals.rules_daily")
def rules_daily() -> int:
    """One run per district each night, so a district's homes are one run's chunks."""
    districts = list(Node.objects.unscoped().filter(level=Level.DISTRICT))
    for district in districts:
        actions.rules_run_start(actor=None, node=district)
    return len(districts)


@app.task(base=GridTask, name="gridgov.rentals.cases_follow")
def cases_follow() -> int:
    return actions.cases_follow()
