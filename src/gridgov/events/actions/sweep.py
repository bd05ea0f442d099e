"""Overdue stages escalate by themselves, exactly once, whoever runs the sweep and how often.

The claim is one conditional UPDATE … WHERE escalated_at IS NULL that
returns the rows it took, so two sweepers (two timers, a timer and a
manual run, a run after a crash) can never both take a deadline; the
timeline's unique (event, stage) index for auto-escalations is the second
lock on the same door. All state is in the database: nothing is remembered
between runs. The question "is anything due?" is answered from a partial
index on the deadlines still pending, so a sweep costs the same whether a
thousand or a million events are open. What an escalation writes is the
loop's, in gridgov.events.actions.supervision, by the escalate command's rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from gridgov.events.actions.supervision import events_escalate_overdue
from gridgov.events.models import Deadline

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
PENDING_INDEX = "deadline_pending_due"


@dataclass(frozen=True)
class SweepResult:
    escalated: int
    batches: int


def _claim_sql() -> str:
    # PostgreSQL lets concurrent sweepers share out the due rows instead of queueing on them;
    # SQLite's planner prefers the wider (ended_at, due_at) index unless told, and then walks
    # every stage already escalated but still open.
    skip = hint = ""
    if connection.features.has_select_for_update_skip_locked:
        skip = " FOR UPDATE SKIP LOCKED"
    if connection.vendor == "sqlite":
        hint = f" INDEXED BY {PENDING_INDEX}"
    # The claim is materialised first: inside `WHERE id IN (…)` PostgreSQL may run the
    # subquery more than once, and each run's LIMIT with SKIP LOCKED took further rows.
    table = Deadline._meta.db_table
    return (
        f"WITH due AS MATERIALIZED ("  # noqa: S608 - names are ours
        f"SELECT id FROM {table}{hint} WHERE ended_at IS NULL AND escalated_at IS NULL "
        f"AND paused_at IS NULL AND due_at < %s ORDER BY due_at LIMIT %s{skip}"
        f") UPDATE {table} SET escalated_at = %s WHERE id IN (SELECT id FROM due) "
        f"AND escalated_at IS NULL RETURNING id, event_id, stage"
    )


@transaction.atomic
def _sweep_batch(now: datetime, batch_size: int) -> tuple[int, int]:
    """Escalate up to batch_size due stages; answers how many were claimed and escalated."""
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(), [now, batch_size, now])
        claimed: list[tuple[int, int, str]] = cursor.fetchall()
    if not claimed:
        return 0, 0
    # The escalation skips events a person's command holds (it would wait on their lock while
    # holding the deadline's): their claims are given back for the next run.
    taken = events_escalate_overdue(
        due=[(event_id, stage) for _, event_id, stage in claimed], now=now
    )
    busy = [deadline_id for deadline_id, event_id, _ in claimed if event_id not in taken]
    if busy:
        Deadline.objects.filter(pk__in=busy).update(escalated_at=None)
    count = len(claimed) - len(busy)
    if count:
        transaction.on_commit(
            lambda: logger.info("events sweep: %d overdue stages escalated", count)
        )
    return len(claimed), count


def events_sweep(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Escalate every stage overdue at `now`, batch by batch, each batch its own transaction
    so a crash keeps what was done and the next run takes the rest."""
    now = now or timezone.now()
    escalated = batches = 0
    while True:
        claimed, count = _sweep_batch(now, batch_size)
        escalated += count
        batches += 1
        # A full batch of cases all busy with people is left whole for the next run.
        if claimed < batch_size or not count:
            return SweepResult(escalated=escalated, batches=batches)
