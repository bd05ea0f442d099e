"""Imports on a real Celery worker: RabbitMQ, and the embedded SQLite broker the demo uses.

The worker is a separate process, so the test database is committed to (transaction=True)
and shared through PostgreSQL; each run uses a queue of its own so that parallel runs on
one RabbitMQ never take each other's tasks.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.exchange.tests.conftest import people_rows
from gridgov.exchange.tests.test_views import HTMX, upload
from gridgov.registry.models import Person
from gridgov.testing.broker import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]


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
