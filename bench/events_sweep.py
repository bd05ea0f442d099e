"""Time the overdue sweeper (gridgov.events.actions.sweep) with a million open events.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \\
        .venv/bin/python bench/events_sweep.py [--open 1000000] [--due 1000] [--catch-up 20000]

PostgreSQL only; run after `manage.py seed_demo --scale city`. Tops the
demo's open events up to --open with set-based INSERTs (copies of one open
demo event, each with a running handle deadline due later), then times:

1. a sweep when --due stages have just run out (what a sweep each minute meets);
2. the next sweep, with nothing due (the cost of asking, however much is open);
3. a catch-up sweep after --catch-up stages ran out at once (escalations per second).

Every row the benchmark added is deleted afterwards; escalations the sweeps
made on the demo's own events stay, as a live sweeper would have made them.
Exit status: 0 when the first sweep takes under 2 s, 2 above, 1 without data.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--catch-up", type=int, default=20_000)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max
    from events_server import machine

    from gridgov.events.actions.sweep import events_sweep
    from gridgov.events.models import Deadline, Event
    from gridgov.events.workflow import OPEN_STATUSES, Status

    if connection.vendor != "postgresql":
        print("This benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
        return 1
    template = Event.objects.filter(status=Status.ACCEPTED).order_by("id").first()
    if template is None:
        print("No open demo event to copy: run `manage.py seed_demo --scale city` first.")
        return 1
    open_now = Event.objects.filter(status__in=OPEN_STATUSES).count()
    print(f"events: {Event.objects.count():,}, open: {open_now:,}; {machine()}")
    before = Event.objects.aggregate(top=Max("id"))["top"] or 0
    added = max(args.open - open_now, 0)
    try:
        started = time.perf_counter()
        _add_open_events(template.pk, added, before)
        took = time.perf_counter() - started
        print(f"added {added:,} open events with running deadlines in {took:.1f} s")
        open_total = Event.objects.filter(status__in=OPEN_STATUSES).count()
        pending = Deadline.objects.filter(ended_at=None, escalated_at=None, paused_at=None).count()
        print(f"open events: {open_total:,}; running, unescalated deadlines: {pending:,}")

        first = _timed_sweep(before, args.due, "1. newly due", events_sweep)
        _timed_sweep(before, 0, "2. nothing due", events_sweep)
        _timed_sweep(before, args.catch_up, "3. catch-up", events_sweep)
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in ("events_eventtransition", "events_deadline"):
                cursor.execute(f"DELETE FROM {table} WHERE event_id > %s", [before])  # noqa: S608
            cursor.execute("DELETE FROM events_event WHERE id > %s", [before])
            # A million dead rows would otherwise slow every later query on these tables.
            for table in ("events_event", "events_deadline", "events_eventtransition"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"cleaned up in {time.perf_counter() - started:.1f} s")
    print(f"first sweep {first:.3f} s (goal < {GOAL_S:.0f} s); after: {machine()}")
    return 0 if first < GOAL_S else 2


def _add_open_events(template_id: int, count: int, after_id: int) -> None:
    """Copies of one open event, numbered apart, each with a handle deadline due 1–8 days on."""
    from django.db import connection

    from gridgov.events.models import Event

    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    columns = [connection.ops.quote_name(str(f.column)) for f in fields]
    chosen = ["'BS' || lpad(g::text, 14, '0')" if c == '"number"' else f"e.{c}" for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO events_event ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(chosen)} FROM events_event e, generate_series(1, %s) g "
            "WHERE e.id = %s",
            [count, template_id],
        )
        cursor.execute(
            "INSERT INTO events_deadline "
            "(event_id, stage, started_at, due_at, outcome, paused_minutes) "
            "SELECT id, 'handle', now() - interval '1 hour', "
            "now() + interval '1 day' + (id %% 10080) * interval '1 minute', '', 0 "
            "FROM events_event WHERE id > %s",
            [after_id],
        )
        cursor.execute("ANALYZE events_event")
        cursor.execute("ANALYZE events_deadline")


def _timed_sweep(after_id: int, due: int, label: str, sweep: Callable[[], Any]) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_deadline SET due_at = now() - interval '1 minute' WHERE id IN ("
            "SELECT id FROM events_deadline WHERE event_id > %s AND ended_at IS NULL "
            "AND escalated_at IS NULL ORDER BY id LIMIT %s)",
            [after_id, due],
        )
    started = time.perf_counter()
    result = sweep()
    elapsed = time.perf_counter() - started
    rate = f", {result.escalated / elapsed:,.0f} escalations/s" if result.escalated else ""
    print(
        f"{label}: {due:,} made due; sweep escalated {result.escalated:,} "
        f"in {result.batches} batches, {elapsed:.3f} s{rate}"
    )
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
