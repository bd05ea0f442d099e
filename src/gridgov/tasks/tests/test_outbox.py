"""The outbox, the dead-letter record and the periodic task, with tasks run in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.tasks.actions import outbox_drain, task_enqueue
from gridgov.tasks.engine import GridTask, app
from gridgov.tasks.models import DeadTask, JobRun, OutboxMessage
from gridgov.tasks.tasks import periodic
from gridgov.testing.broker import broker_down
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


@app.task(base=GridTask, name="gridgov.tests.record")
def record(*, n: int) -> None:
    RUNS.append(n)


@app.task(base=GridTask, name="gridgov.tests.always_fails", max_retries=2)
def always_fails(*, n: int) -> None:
    RUNS.append(n)
    raise ValueError(f"broken input {n}")


@pytest.fixture(autouse=True)
def _runs() -> Iterator[None]:
    RUNS.clear()
    yield
    RUNS.clear()


@pytest.fixture(name="broker_down")
def _broker_down() -> Iterator[None]:
    with broker_down():
        yield


@transaction.atomic
def enqueue_and_fail(*, n: int) -> None:
    task_enqueue(task="gridgov.tests.record", n=n)
    raise RuntimeError("rolled back")


def test_a_task_runs_only_when_its_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            task_enqueue(task="gridgov.tests.record", n=1)
        with pytest.raises(RuntimeError):
            enqueue_and_fail(n=2)
    assert RUNS == [1]
    assert not OutboxMessage.objects.exists()


def test_an_unknown_task_is_refused_before_anything_is_written() -> None:
    with pytest.raises(LookupError):
        task_enqueue(task="gridgov.tests.nothing", n=1)
    assert not OutboxMessage.objects.exists()


def test_broker_down_keeps_the_task_until_the_drain_publishes_it(
    broker_down: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task_enqueue(task="gridgov.tests.record", n=7)
    message = OutboxMessage.objects.get()
    assert message.attempts == 1
    assert message.last_error
    assert RUNS == []
    # Too young for the drain: its own commit's publish owns it for a while.
    assert outbox_drain() == 0
    later = timezone.now() + timedelta(minutes=1)
    assert outbox_drain(now=later) == 0
    assert OutboxMessage.objects.get().attempts == 2
    # The broker is back (here: tasks run in-process again).
    app.conf.task_always_eager = True
    assert outbox_drain(now=later) == 1
    assert RUNS == [7]
    assert not OutboxMessage.objects.exists()


def test_the_page_still_answers_while_the_broker_is_down(
    broker_down: None, client_for: Any
) -> None:
    assert client_for("dispatcher").get("/").status_code == 200


def test_a_task_that_keeps_failing_is_kept_with_its_error_and_stops() -> None:
    result = always_fails.apply_async(kwargs={"n": 3}, task_id="fails-1")
    assert result.failed()
    # The first run and its two retries, then no more.
    assert RUNS == [3, 3, 3]
    dead = DeadTask.objects.get()
    assert (dead.task, dead.task_id, dead.kwargs) == (
        "gridgov.tests.always_fails",
        "fails-1",
        {"n": 3},
    )
    assert "broken input 3" in dead.error
    assert "ValueError" in dead.traceback
    assert AuditEntry.objects.filter(action="tasks.dead", target_id=str(dead.pk)).exists()


def test_the_system_administrator_reads_the_dead_letters(
    users: dict[str, User], tree: Tree
) -> None:
    always_fails.apply_async(kwargs={"n": 4}, task_id="fails-2")
    client = Client()
    client.force_login(make_user("sys", Role.SYSTEM_ADMIN, node=tree["320104"]))
    page = client.get("/admin/tasks/deadtask/")
    assert page.status_code == 200
    assert "fails-2" in page.content.decode()
    assert client.get("/admin/tasks/outboxmessage/").status_code == 200
    other = Client()
    other.force_login(users["dispatcher"])
    assert other.get("/admin/tasks/deadtask/").status_code in {302, 403}


def test_the_periodic_task_runs_every_sweep_and_records_its_success() -> None:
    periodic.apply()
    first = JobRun.objects.get(name="periodic").last_ok_at
    periodic.apply()
    assert JobRun.objects.get(name="periodic").last_ok_at >= first


def test_the_system_administrator_queues_a_fixed_task_again(
    tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    always_fails.apply_async(kwargs={"n": 5}, task_id="fails-3")
    RUNS.clear()
    dead = DeadTask.objects.get()
    client = Client()
    client.force_login(make_user("sys", Role.SYSTEM_ADMIN, node=tree["320104"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/tasks/deadtask/",
            {"action": "requeue", "_selected_action": [dead.pk]},
            follow=True,
        )
    assert "1 个任务已重新排队" in response.content.decode()
    # It ran again (and, still broken, failed again under a new id).
    assert RUNS == [5, 5, 5]
    assert DeadTask.objects.get().task_id.startswith("outbox-")
    assert AuditEntry.objects.filter(action="tasks.requeue").count() == 1


def test_a_fresh_web_process_knows_every_task_by_name() -> None:
    """A web process imports no task module itself, yet must queue tasks by name."""
    code = (
        "import django; django.setup()\n"
        "from gridgov.tasks.engine import app\n"
        "print(' '.join(sorted(n for n in app.tasks if n.startswith('gridgov.'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    env["DJANGO_SETTINGS_MODULE"] = "gridgov.settings"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "gridgov.campaigns.cancel_open_tasks",
        "gridgov.campaigns.completion_daily",
        "gridgov.campaigns.push",
        "gridgov.campaigns.push_chunk",
        "gridgov.command.checkins_expire",
        "gridgov.command.fan_out",
        "gridgov.command.sweep",
        "gridgov.decisions.mitigations_sweep",
        "gridgov.events.deadline_notices",
        "gridgov.exchange.import_run",
        "gridgov.exports.export_job_run",
        "gridgov.fieldwork.daily",
        "gridgov.insight.refresh",
        "gridgov.inspections.daily",
        "gridgov.notifications.deliver",
        "gridgov.rentals.cases_follow",
        "gridgov.rentals.rules_daily",
        "gridgov.rentals.rules_run_advance",
        "gridgov.reports.generate",
        "gridgov.reports.morning",
        "gridgov.tasks.audit_chain",
        "gridgov.tasks.outbox_drain",
        "gridgov.tasks.periodic",
    ]
