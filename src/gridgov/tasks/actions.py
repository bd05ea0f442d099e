"""Queue tasks through the outbox, publish them, and keep the ones that failed for good."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from gridgov.audit.actions import audit_record
from gridgov.tasks.engine import app
from gridgov.tasks.models import DeadTask, JobRun, OutboxMessage

if TYPE_CHECKING:
    from gridgov.accounts.models import User

logger = logging.getLogger(__name__)

# The drain leaves younger messages to the publish their own commit queued.
OUTBOX_GRACE = timedelta(seconds=30)


def task_enqueue(*, task: str, **kwargs: Any) -> OutboxMessage:
    """Queue `task` to run once the caller's transaction commits.

    The message is a row of that same transaction: a rolled-back change queues nothing,
    and a committed one keeps its task even if the broker is down when it commits."""
    if task not in app.tasks:
        raise LookupError(f"no task named {task}")
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs)
    transaction.on_commit(partial(outbox_publish, message_id=message.pk))
    return message


def outbox_publish(*, message_id: int) -> bool:
    """Hand one message to the broker and delete it; on a broker error keep it for the drain.

    It runs outside any transaction: in eager mode the task runs right here, and a task
    commits its own batches. Two publishes of one message (the commit's and a drain's)
    can race; the task id is the message's, and every task is safe to run twice."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return False
    try:
        app.tasks[message.task].apply_async(kwargs=message.kwargs, task_id=f"outbox-{message.pk}")
    except OperationalError as exc:
        logger.warning("broker unreachable, task %s stays in the outbox: %s", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=str(exc)[:2000]
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).delete()
    return True


def outbox_drain(*, now: Any = None) -> int:
    """Publish every message its commit could not; stop at the first broker error."""
    cutoff = (now or timezone.now()) - OUTBOX_GRACE
    published = 0
    for message_id in OutboxMessage.objects.filter(created_at__lt=cutoff).values_list(
        "id", flat=True
    ):
        if not outbox_publish(message_id=message_id):
            break
        published += 1
    return published


@transaction.atomic
def dead_task_record(
    *, task: str, task_id: str, kwargs: dict[str, Any], error: str, traceback: str
) -> DeadTask:
    dead, created = DeadTask.objects.get_or_create(
        task_id=task_id,
        defaults={"task": task, "kwargs": kwargs, "error": error, "traceback": traceback},
    )
    if created:
        audit_record(actor=None, action="tasks.dead", target=dead, detail={"task": task})
    return dead


@transaction.atomic
def dead_tasks_requeue(*, actor: User, ids: list[int]) -> int:
    """Queue failed tasks again once their cause is fixed; each leaves the dead letters."""
    requeued = 0
    for dead in DeadTask.objects.select_for_update().filter(pk__in=ids):
        task_enqueue(task=dead.task, **dead.kwargs)
        audit_record(
            actor=actor,
            action="tasks.requeue",
            target=dead,
            detail={"task": dead.task, "error": dead.error[:200]},
        )
        dead.delete()
        requeued += 1
    return requeued


def job_run_record(*, name: str) -> None:
    JobRun.objects.update_or_create(name=name, defaults={"last_ok_at": timezone.now()})
