"""Point the Celery app at another broker within a test process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from gridgov.tasks.engine import app


def use_broker(url: str, queue: str | None = None) -> None:
    """The app caches its connection and producer pools and its queues: each is made anew."""
    app.conf.broker_url = url  # type: ignore[misc]
    if queue is not None:
        app.conf.task_default_queue = queue
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    app.amqp.queues = app.amqp.Queues([])  # type: ignore[misc]


@contextmanager
def broker_down() -> Iterator[None]:
    """Publishing goes to a port where no broker listens, as when RabbitMQ is stopped."""
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    use_broker("amqp://guest:guest@127.0.0.1:9//")
    try:
        yield
    finally:
        use_broker(previous[0])
        app.conf.task_always_eager = previous[1]
