"""Point the Celery app at another broker within a test process, and run a real worker on
it for the tests that kill and restart one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gridgov.tasks.engine import app, broker_connection


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


SRC = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["rabbitmq", "embedded"])
def worker(
    request: pytest.FixtureRequest, tmp_path: Path, settings: Any
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start (and restart) a worker on a fresh queue; tasks are published to it, not run here."""
    queue = f"gridgov-test-{uuid.uuid4().hex[:8]}"
    url = (
        "amqp://guest:guest@127.0.0.1:5672//"
        if request.param == "rabbitmq"
        else f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    )
    previous = app.conf.broker_url, app.conf.task_default_queue
    use_broker(url, queue)
    app.conf.task_always_eager = False
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GRIDGOV_BROKER_URL": url,
        "GRIDGOV_TASK_QUEUE": queue,
        "GRIDGOV_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # One row per batch, so the worker is killed between committed batches.
        "GRIDGOV_IMPORT_BATCH_SIZE": "1",
    }
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "celery", "-A", "gridgov.tasks.engine", "worker"]
        command += ["--pool", "solo", "-Q", queue, "-l", "warning", "--without-mingle"]
        process = subprocess.Popen(command, env=env, cwd=tmp_path)  # noqa: S603
        processes.append(process)
        return process

    start.killable = request.param == "rabbitmq"  # type: ignore[attr-defined]
    yield start
    for process in processes:
        process.kill()
        process.wait()
    if request.param == "rabbitmq":
        with broker_connection() as conn:
            channel: Any = conn.default_channel
            channel.queue_delete(queue)
    use_broker(*previous)


def wait_for(condition: Callable[[], bool], seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError("timed out")
