"""What the administrators and the probes read about the background work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from gridgov.tasks.models import DeadTask, JobRun, OutboxMessage


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest: datetime | None
    dead: int


def backlog() -> Backlog:
    """Tasks not yet handed to the broker, the oldest of them, and tasks that failed for good."""
    waiting = OutboxMessage.objects.aggregate(n=Count("id"), oldest=Min("created_at"))
    return Backlog(waiting["n"], waiting["oldest"], DeadTask.objects.count())


def last_success(name: str) -> datetime | None:
    return JobRun.objects.filter(name=name).values_list("last_ok_at", flat=True).first()
