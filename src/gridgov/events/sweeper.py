"""Overdue stages escalate by themselves, exactly once, whoever runs the sweep and how often.

The claim is one conditional UPDATE … WHERE escalated_at IS NULL that
returns the rows it took, so two sweepers (two timers, a timer and a
manual run, a run after a crash) can never both take a deadline; the
timeline's unique (event, stage) index for auto-escalations is the second
lock on the same door. All state is in the database: nothing is remembered
between runs. The question "is anything due?" is answered from a partial
index on the deadlines still pending, so a sweep costs the same whether a
thousand or a million events are open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from gridgov.audit.actions import audit_record
from gridgov.events.models import Deadline, Event, EventTransition
from gridgov.events.workflow import AUTO_ESCALATE
from gridgov.jurisdiction.models import Level, Node

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
    # A person's command locks its event and then ends the stage's deadline, which this batch
    # has just locked: waiting for that event would deadlock, so it is left for the next run.
    before = {
        row[0]: row[1:]
        for row in Event.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(pk__in={event_id for _, event_id, _ in claimed})
        .order_by("pk")
        .values_list("pk", "status", "owner__code", "owner__level", "owner__parent__code")
    }
    busy = [deadline_id for deadline_id, event_id, _ in claimed if event_id not in before]
    if busy:
        Deadline.objects.filter(pk__in=busy).update(escalated_at=None)
    taken = [row for row in claimed if row[1] in before]
    if not taken:
        return len(claimed), 0
    event_ids = set(before)
    parent_below_top = Node.objects.filter(
        pk=OuterRef("owner_id"), level__gt=Level.DISTRICT
    ).values("parent_id")
    Event.objects.filter(pk__in=event_ids).update(
        owner_id=Coalesce(Subquery(parent_below_top), F("owner_id")), version=F("version") + 1
    )
    reason = gettext("The stage's time limit passed.")
    steps = []
    for _, event_id, stage in taken:
        status, code, level, parent_code = before[event_id]
        to = parent_code if level > Level.DISTRICT and parent_code else code
        steps.append(
            EventTransition(
                event_id=event_id,
                from_status=status,
                to_status=status,
                command=AUTO_ESCALATE,
                stage=stage,
                at=now,
                reason=reason,
                payload={"from": code, "to": to},
            )
        )
    EventTransition.objects.bulk_create(steps)
    count = len(taken)
    audit_record(
        actor=None,
        action="events.sweep",
        target_type="events.event",
        detail={"escalated": count, "events": sorted(event_ids)[:50]},
    )
    transaction.on_commit(lambda: logger.info("events sweep: %d overdue stages escalated", count))
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
