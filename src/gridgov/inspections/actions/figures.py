"""The daily counts of inspections and hazards (InspectionDaily), rebuilt per day and idempotent:
a day's rows are deleted and inserted again in one transaction (ADR 0007's rule).

Counts are cohorts: an inspection counts on the day it fell due, a hazard on the day it was
found, and each counts what became of it by the rebuild. A cohort keeps changing while its
inspections are still answered and its hazards rectified, so the daily job rebuilds the
last REBUILD_DAYS days (a quarterly kind's whole period and then some); the formulas are in
docs/indicators.md.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from gridgov.audit.actions import audit_record
from gridgov.inspections.models import (
    Inspection,
    InspectionDaily,
    InspectionStatus,
    Rectification,
    RectificationStatus,
)
from gridgov.jurisdiction.models import Node

REBUILD_DAYS = 120
COUNTS = (
    "due",
    "done",
    "done_on_time",
    "found",
    "found_rectified",
    "found_rectified_on_time",
    "found_overdue",
)


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _add(units: dict[int, dict[str, int]], row: dict[str, Any], key: str) -> None:
    """Add a grouped row's counts to the unit its `key` names."""
    unit = row.pop(key)
    units[unit].update(row)


def _per_grid(day: date) -> dict[int, dict[str, int]]:
    start, end = _bounds(day)
    grids: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    done = Q(status=InspectionStatus.DONE)
    for row in (
        Inspection.objects.unscoped()
        .filter(due_at__gte=start, due_at__lt=end, rectification__isnull=True)
        .exclude(status=InspectionStatus.CANCELLED)
        .values("grid_id")
        .annotate(
            due=Count("id"),
            done=Count("id", filter=done),
            done_on_time=Count("id", filter=done & Q(done_at__lte=F("due_at"))),
        )
        .order_by()
    ):
        _add(grids, dict(row), "grid_id")
    rectified = Q(status=RectificationStatus.RECTIFIED)
    for found in (
        Rectification.objects.unscoped()
        .filter(found_at__gte=start, found_at__lt=end)
        .exclude(status=RectificationStatus.CANCELLED)
        .values("grid_id")
        .annotate(
            found=Count("id"),
            found_rectified=Count("id", filter=rectified),
            found_rectified_on_time=Count(
                "id", filter=rectified & Q(rectified_at__lte=F("due_at"))
            ),
            found_overdue=Count("id", filter=Q(overdue_at__isnull=False)),
        )
        .order_by()
    ):
        _add(grids, dict(found), "grid_id")
    return grids


def _rolled_up(grids: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
    """Each grid's counts added to every node above it, found by code prefix."""
    if not grids:
        return {}
    codes = dict(Node.objects.unscoped().filter(pk__in=grids).values_list("pk", "code"))
    prefixes = {code[:n] for code in codes.values() for n in range(1, len(code) + 1)}
    ids = dict(Node.objects.unscoped().filter(code__in=prefixes).values_list("code", "pk"))
    nodes: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for grid_id, counts in grids.items():
        code = codes[grid_id]
        for n in range(1, len(code) + 1):
            node_id = ids.get(code[:n])
            if node_id is not None:
                for name, value in counts.items():
                    nodes[node_id][name] += value
    return nodes


def _per_worker(day: date) -> dict[int, dict[str, int]]:
    """What each worker recorded that day: inspections done (on time), and the hazards they
    found with what became of them."""
    start, end = _bounds(day)
    workers: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for row in (
        Inspection.objects.unscoped()
        .filter(done_at__gte=start, done_at__lt=end, rectification__isnull=True)
        .filter(status=InspectionStatus.DONE, inspector__isnull=False)
        .values("inspector_id")
        .annotate(done=Count("id"), done_on_time=Count("id", filter=Q(done_at__lte=F("due_at"))))
        .order_by()
    ):
        workers[row["inspector_id"]].update(done=row["done"], done_on_time=row["done_on_time"])
    rectified = Q(status=RectificationStatus.RECTIFIED)
    for found in (
        Rectification.objects.unscoped()
        .filter(found_at__gte=start, found_at__lt=end, inspection__inspector__isnull=False)
        .exclude(status=RectificationStatus.CANCELLED)
        .values("inspection__inspector_id")
        .annotate(
            found=Count("id"),
            found_rectified=Count("id", filter=rectified),
            found_rectified_on_time=Count(
                "id", filter=rectified & Q(rectified_at__lte=F("due_at"))
            ),
            found_overdue=Count("id", filter=Q(overdue_at__isnull=False)),
        )
        .order_by()
    ):
        _add(workers, dict(found), "inspection__inspector_id")
    return workers


@transaction.atomic
def _rebuild_day(day: date) -> int:
    InspectionDaily.objects.filter(day=day).delete()
    rows = [
        InspectionDaily(day=day, node_id=node_id, **counts)
        for node_id, counts in _rolled_up(_per_grid(day)).items()
    ] + [
        InspectionDaily(day=day, worker_id=worker_id, **counts)
        for worker_id, counts in _per_worker(day).items()
    ]
    InspectionDaily.objects.bulk_create(rows)
    return len(rows)


def inspection_figures_rebuild(*, day_from: date, day_to: date) -> int:
    """Rebuild the days from day_from to day_to inclusive, one transaction each; rows written."""
    rows = 0
    day = day_from
    while day <= day_to:
        rows += _rebuild_day(day)
        day += timedelta(days=1)
    audit_record(
        actor=None,
        action="inspections.figures_rebuild",
        target_type="inspections.inspectiondaily",
        detail={"from": day_from.isoformat(), "to": day_to.isoformat(), "rows": rows},
    )
    return rows


def inspection_figures_refresh(today: date | None = None) -> int:
    """The daily job's rebuild: the last REBUILD_DAYS days up to today, and the inspections
    falling due in the rest of the open periods (due dates lie ahead of today)."""
    today = today or timezone.localdate()
    return inspection_figures_rebuild(
        day_from=today - timedelta(days=REBUILD_DAYS), day_to=today + timedelta(days=90)
    )
