"""Imports on a real Celery worker: RabbitMQ, and the embedded SQLite broker the demo uses.

The worker is a separate process, so the test database is committed to (transaction=True)
and shared through PostgreSQL; each run uses a queue of its own so that parallel runs on
one RabbitMQ never take each other's tasks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tests.conftest import people_rows
from gridgov.exchange.tests.test_views import HTMX, upload
from gridgov.registry.models import Person
from gridgov.tasks.engine import app, broker_connection
from gridgov.testing.broker import use_broker

SRC = Path(__file__).resolve().parents[3]

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]


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


def status(job: ImportJob) -> str:
    job.refresh_from_db()
    return job.status


def test_a_committed_import_runs_on_the_worker_and_survives_its_kill(
    library: Any, client_for: Any, worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    client = client_for("dispatcher")
    upload(client, people_rows(20))
    job = ImportJob.objects.get()
    # Queued while no worker runs: the page answers at once and the job waits.
    response = client.post(f"/exchange/imports/{job.pk}/progress", **HTMX)
    assert response.status_code == 200
    assert status(job) == ImportStatus.RUNNING
    first = worker()
    if worker.killable:  # type: ignore[attr-defined]
        # RabbitMQ gives the unacknowledged task to the next worker at once (acks_late); the
        # embedded broker cannot (docs/adr/0018), so there the first worker finishes.
        wait_for(lambda: Person.objects.exists())
        first.send_signal(signal.SIGKILL)
        first.wait()
        worker()
    wait_for(lambda: status(job) == ImportStatus.DONE)
    job.refresh_from_db()
    assert (job.rows_ok, job.rows_bad, job.checkpoint) == (20, 0, 21)
    assert Person.objects.count() == 20
    connection.close()
