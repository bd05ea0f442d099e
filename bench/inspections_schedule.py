"""The inspections' daily job on a seeded demo database: the schedule's fan-out and the
hazard ledger's read.

    DATABASE_URL=postgres://… .venv/bin/python bench/inspections_schedule.py [--venues 4000]

Flags up to --venues more venues (every organisation under each organisation kind, every home
under each home kind, until the number is reached), then runs the schedule for a period
a year ahead (so every venue's inspection and field task is new) and again (nothing new),
and times the city's hazard ledger and the daily figures' rebuild of one day. Prints the
figures; asserts nothing. The rows it adds stay (run it on a scratch or demo database).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venues", type=int, default=4000)
    parser.add_argument("--years-ahead", type=int, default=1, help="a period not scheduled yet")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.utils import timezone

    from gridgov.accounts.models import User
    from gridgov.fieldwork.models import FieldTask
    from gridgov.inspections.actions import inspections_schedule, kinds_load
    from gridgov.inspections.actions.figures import inspection_figures_rebuild
    from gridgov.inspections.models import Inspection, Target, Venue, VenueKind
    from gridgov.inspections.selectors import hazard_ledger
    from gridgov.jurisdiction.selectors import scope_root
    from gridgov.registry.models import Home, Organisation

    kinds_load(actor=None)
    now = timezone.now()
    wanted = max(0, args.venues - Venue.objects.unscoped().count())
    rows: list[Venue] = []
    for kind in VenueKind.objects.order_by("code"):
        model = Organisation if kind.target == Target.ORGANISATION else Home
        field = "organisation" if kind.target == Target.ORGANISATION else "home"
        for record in model.objects.unscoped().exclude(
            pk__in=Venue.objects.unscoped().filter(kind=kind).values(f"{field}_id")
        )[: wanted - len(rows)]:
            label = getattr(record, "name", "") or record.address
            rows.append(
                Venue(
                    kind=kind,
                    grid_id=record.grid_id,
                    name=label,
                    address=record.address,
                    flagged_at=now,
                    **{field: record},
                )
            )
        if len(rows) >= wanted:
            break
    Venue.objects.bulk_create(rows, ignore_conflicts=True)
    venues = Venue.objects.unscoped().filter(active=True).count()
    tasks_before = FieldTask.objects.unscoped().count()
    ahead = timezone.localdate() + timedelta(days=365 * args.years_ahead)
    started = time.perf_counter()
    first = inspections_schedule(today=ahead)
    took = time.perf_counter() - started
    tasks = FieldTask.objects.unscoped().count() - tasks_before
    print(f"venues {venues}; schedule: {first.created} inspections, {tasks} field tasks")
    print(f"  first run {took:.2f} s = {first.created / took:,.0f} inspections+tasks/s")
    started = time.perf_counter()
    again = inspections_schedule(today=ahead)
    print(f"  second run {time.perf_counter() - started:.2f} s, {again.created} new")

    commander = User.objects.get(username="cc")
    root = scope_root(commander)
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        hazard_ledger(commander, root)
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"hazard ledger of {root.name}: median {timings[10] * 1000:.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms over {Inspection.objects.unscoped().count()} inspections"
    )
    day = timezone.localdate()
    started = time.perf_counter()
    written = inspection_figures_rebuild(day_from=day - timedelta(days=29), day_to=day)
    print(f"figures: 30 days rebuilt in {time.perf_counter() - started:.2f} s, {written} rows")


if __name__ == "__main__":
    main()
