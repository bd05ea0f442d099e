"""An instruction to every grid of a district, fanned out by a real Celery worker that is killed
mid-way and restarted: every grid worker gets exactly one inbox row.

The worker is a separate process, so the test database is committed to (transaction=True)
and shared through PostgreSQL; each run has a queue of its own.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.command.actions.instructions import Targets, instruction_send
from gridgov.command.models import Instruction, Receipt
from gridgov.command.notices import INSTRUCTION
from gridgov.command.tests.conftest import DISTRICT_GRIDS, Centres
from gridgov.notifications.models import InboxItem
from gridgov.testing.broker import wait_for
from gridgov.testing.tree import Tree
from gridgov.testing.users import password_hash

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]

PER_GRID = 60


@pytest.fixture
def one_receipt_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the worker starts: each batch is one receipt, so the kill lands between
    committed batches."""
    monkeypatch.setenv("GRIDGOV_COMMAND_FAN_OUT_BATCH", "1")


@pytest.fixture
def many_workers(centres: Centres, tree: Tree) -> int:
    User.objects.bulk_create(
        [
            User(
                username=f"w{grid}-{n}",
                role=Role.GRID_WORKER,
                node=tree[grid],
                password=password_hash(),
            )
            for grid in DISTRICT_GRIDS
            for n in range(PER_GRID)
        ]
    )
    return len(DISTRICT_GRIDS) * (PER_GRID + 1)


def delivered(instruction: Instruction) -> int:
    return (
        Receipt.objects.unscoped()
        .filter(instruction=instruction, delivered_at__isnull=False)
        .count()
    )


def test_every_grid_of_the_district_gets_one_delivery_across_a_worker_restart(
    one_receipt_per_batch: None,
    many_workers: int,
    loop_users: dict[str, User],
    centres: Centres,
    worker: Callable[[], subprocess.Popen[bytes]],
    settings: Any,
) -> None:
    instruction = instruction_send(
        actor=loop_users["commander"],
        centre=centres.district,
        title="全区网格防汛巡查",
        due_at=timezone.now() + timedelta(hours=4),
        targets=Targets(grids=list(DISTRICT_GRIDS)),
    )
    first = worker()
    if worker.killable:  # type: ignore[attr-defined]
        wait_for(lambda: delivered(instruction) > 10)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert delivered(instruction) < many_workers
        worker()
    wait_for(
        lambda: Instruction.objects.unscoped().get(pk=instruction.pk).fanned_out_at is not None
    )
    assert delivered(instruction) == many_workers
    per_user = (
        InboxItem.objects.filter(notice__kind=INSTRUCTION)
        .values("recipient")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert len(per_user) == many_workers
    assert set(per_user) == {1}
    connection.close()
