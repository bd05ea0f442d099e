"""The Celery application and the base every GridGov task shares.

Run a worker and the scheduler with `celery -A gridgov.tasks.engine worker` and
`celery -A gridgov.tasks.engine beat` (docs/adr/0018).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import Celery, Task
from celery.utils.log import get_task_logger
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")

logger = get_task_logger(__name__)

app = Celery("gridgov")
app.config_from_object("django.conf:settings", namespace="CELERY")


@contextmanager
def broker_connection(timeout: int = 2) -> Iterator[Connection]:
    """A connection that gives up after one quick try, for the probes and metrics."""
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        yield conn


class GridTask(Task[Any, Any]):
    """Acknowledged only when done, so a killed worker's task is delivered again; retried with
    backoff a bounded number of times, then kept as a dead task for the administrators
    instead of looping. Every task must therefore be safe to run twice."""

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (Exception,)
    max_retries = 5
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        from gridgov.tasks.actions import dead_task_record

        logger.error("task %s %s failed for good: %r", self.name, task_id, exc)
        dead_task_record(
            task=self.name,
            task_id=task_id,
            kwargs=dict(kwargs or {}),
            error=repr(exc),
            traceback=str(einfo),
        )
