"""Retention of the duty check-ins the nearest-worker search reads (SPEC principle: positions
only at moments, kept for a limited time, no tracks).

A check-in older than COMMAND_CHECKIN_RETENTION_DAYS (30) is deleted with its position. The
attendance it proved stays in field work's daily table (fieldwork.FieldDaily, `present`):
a day past the retention that the table does not hold yet is built by field work's own
rebuild before its check-ins go. Deletion runs in batches, each its own transaction, so a
sweep over a first large backlog holds few locks; running it again deletes nothing more.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from gridgov.audit.actions import audit_record
from gridgov.fieldwork.actions.figures import field_daily_rebuild_range
from gridgov.fieldwork.models import CheckIn, Duty, FieldDaily

BATCH = 5000


def retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "COMMAND_CHECKIN_RETENTION_DAYS", 30)))


def _ranges(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days, each rebuilt at once."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def checkins_expire(*, now: datetime | None = None) -> int:
    """Delete the check-ins past the retention, once their days' attendance is kept; returns
    how many were deleted."""
    cutoff = (now or timezone.now()) - retention()
    old = CheckIn.objects.unscoped().filter(at__lt=cutoff)
    zone = timezone.get_current_timezone()
    days = set(
        old.filter(duty=Duty.START)
        .annotate(day=TruncDate("at", tzinfo=zone))
        .values_list("day", flat=True)
        .distinct()
    )
    kept = set(
        FieldDaily.objects.unscoped().filter(day__in=days).values_list("day", flat=True).distinct()
    )
    for first, last in _ranges(list(days - kept)):
        field_daily_rebuild_range(first=first, last=last)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(old.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not batch:
                break
            count, _by_model = CheckIn.objects.unscoped().filter(pk__in=batch).delete()
            deleted += count
    if deleted:
        audit_record(
            actor=None,
            action="command.checkins_expire",
            target_type="fieldwork.checkin",
            detail={"deleted": deleted, "before": cutoff.isoformat()},
        )
    return deleted
