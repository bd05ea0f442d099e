"""The push task (the fan-out, chunked) and the daily completion job."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gridgov.campaigns import actions
from gridgov.tasks.actions import task_enqueue
from gridgov.tasks.engine import GridTask, app

# The close task runs this long, then queues the next batch (RabbitMQ's consumer timeout, and a
# killed worker loses at most one uncommitted batch).
CHUNK_SECONDS = 60.0


@app.task(base=GridTask, name=actions.PUSH_TASK)
def push(*, campaign_id: int) -> None:
    """Cut the push into chunks and queue one task per chunk, so every worker takes a share.
    Safe to deliver twice: the chunks are cut once, and a chunk queued twice is written once."""
    chunks = actions.campaign_push_plan(
        campaign_id=campaign_id, chunk_size=settings.GRIDGOV_CAMPAIGN_BATCH_SIZE
    )
    with transaction.atomic():
        for chunk_id in chunks:
            task_enqueue(task=actions.PUSH_CHUNK_TASK, chunk_id=chunk_id)


@app.task(base=GridTask, name=actions.PUSH_CHUNK_TASK)
def push_chunk(*, chunk_id: int) -> None:
    """Safe to deliver twice: a chunk done writes nothing."""
    actions.campaign_push_chunk(chunk_id=chunk_id)


@app.task(base=GridTask, name=actions.CLOSE_TASK)
def cancel_open_tasks(*, campaign_id: int) -> None:
    """Safe to deliver twice: only tasks still open are cancelled."""
    started = time.monotonic()
    while time.monotonic() - started < CHUNK_SECONDS:
        if not actions.campaign_tasks_cancel(
            campaign_id=campaign_id, batch_size=settings.GRIDGOV_CAMPAIGN_BATCH_SIZE
        ):
            return
    with transaction.atomic():
        task_enqueue(task=actions.CLOSE_TASK, campaign_id=campaign_id)


@app.task(base=GridTask, name="gridgov.campaigns.completion_daily")
def completion_daily() -> int:
    """Today's and yesterday's completion rows (yesterday's last answers came after its
    last run); rebuilding a day twice writes the same rows."""
    today = timezone.localdate()
    return sum(actions.completion_rebuild(day=day) for day in (today - timedelta(days=1), today))
