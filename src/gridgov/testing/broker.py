"""Point the Celery app at another broker within a test process."""

from __future__ import annotations

from gridgov.tasks.engine import app


def use_broker(url: str, queue: str | None = None) -> None:
    """The app caches its connection and producer pools and its queues: each is made anew."""
    app.conf.broker_url = url  # type: ignore[misc]
    if queue is not None:
        app.conf.task_default_queue = queue
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    app.amqp.queues = app.amqp.Queues([])  # type: ignore[misc]
