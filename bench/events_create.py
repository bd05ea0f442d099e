"""Create-and-route over real HTTP: concurrent clients POST /api/v1/events, then plain INSERTs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \\
        .venv/bin/python bench/events_create.py [--seconds 20] [--clients 8]

Run after `manage.py seed_demo --scale city`. The demo's district commander
(account dc, Qinhuai) reports through the API with a bearer token, at
points where the demo's events lie, to a server started by
bench/events_server.py (wsgiref, 8 pooled threads, DEBUG off). Each request
authenticates the token, checks the input, locates the point in its grid,
numbers the event from the day's counter, writes the event, its first
transition, its register deadline and an audit row, and answers with the
event as JSON. The very same event rows are then written again with
psycopg's executemany (one INSERT per row, pipelined) and with COPY, the
floor no request can reach. Every row the benchmark wrote is deleted
afterwards (audit rows stay: the trail is append-only).
Exit status: 0 when p95 < 50 ms, 2 above, 1 on errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes sharing --clients threads"
    )
    parser.add_argument("--category", default="0101")
    parser.add_argument("--server", choices=["wsgiref", "gunicorn"], default="gunicorn")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max
    from events_server import hammer, machine, served

    from gridgov.accounts.actions import api_token_create
    from gridgov.accounts.models import ApiToken, User
    from gridgov.events.models import Event

    if connection.vendor != "postgresql":
        print("This benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
        return 1
    commander = User.objects.filter(username="dc").select_related("node").first()
    if commander is None or commander.node is None:
        print("No demo accounts: run `manage.py seed_demo --scale city` first.")
        return 1
    points = list(
        Event.objects.filter(node__code__startswith=commander.node.code)
        .order_by("id")
        .values_list("lon", "lat")[:5000]
    )
    if not points:
        print("No demo events to take places from: seed the demo with its history.")
        return 1
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"events before: {Event.objects.count():,}; {machine()}")
    before = Event.objects.aggregate(top=Max("id"))["top"] or 0
    token, key = api_token_create(actor=commander, name="bench events_create")
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def report(client: int, k: int) -> tuple[str, str, bytes, dict[str, str]]:
        lon, lat = points[(client * 7919 + k) % len(points)]
        body = {
            "category": args.category,
            "description": f"bench {client}-{k}: 路边暴露垃圾",
            "lon": lon,
            "lat": lat,
            "channel": "hotline",
        }
        return "POST", "/api/v1/events", json.dumps(body).encode(), headers

    queries, cpu_ms = _cost_per_filing(headers, report)
    print(f"in process, one client: {queries:.1f} queries and {cpu_ms:.1f} ms CPU per filing")
    print("where one filing's queries go (the gridgov line that issued each):")
    for number, (caller, sql) in enumerate(_queries_of_one_filing(headers, report), 1):
        print(f"  {number:2d}. {caller}: {sql}")
    try:
        with served(threads=args.clients, processes=args.processes, server=args.server) as port:
            hammer(port, report, clients=2, seconds=2.0, limit=50)  # warm up both processes
            load = hammer(port, report, clients=args.clients, seconds=args.seconds)
        created = Event.objects.filter(pk__gt=before)
        shape = (
            f"gunicorn, {args.processes} sync worker(s)"
            if args.server == "gunicorn"
            else f"wsgiref, {args.processes} process(es) with {args.clients} pooled threads in all"
        )
        print(f"server: {shape}; clients: {args.clients}")
        print(load.summary("POST /api/v1/events"))
        if load.failures:
            print("first failures:", *load.failures[:3], sep="\n  ")
        rate = len(load.latencies) / load.seconds
        rows = _event_rows(created)
        many_s, copy_s = _plain_inserts(rows)
        print(
            f"same {len(rows):,} event rows, psycopg executemany: {len(rows) / many_s:,.0f} rows/s"
        )
        print(
            f"same {len(rows):,} event rows, COPY:                {len(rows) / copy_s:,.0f} rows/s"
        )
        print(f"ratio API / executemany: {rate / (len(rows) / many_s):.3f}")
        print(f"ratio API / COPY:        {rate / (len(rows) / copy_s):.4f}")
        p95 = load.percentile(0.95)
        print(f"p95 {p95:.1f} ms (goal < {GOAL_P95_MS:.0f} ms); after: {machine()}")
    finally:
        removed = Event.objects.filter(pk__gt=before).delete()[0]
        ApiToken.objects.filter(pk=token.pk).delete()
        print(f"cleaned up: {removed:,} rows")
    if load.failures or not load.latencies:
        return 1
    return 0 if p95 < GOAL_P95_MS else 2


def _cost_per_filing(headers: dict[str, str], make: Any, filings: int = 200) -> tuple[float, float]:
    """Queries and CPU milliseconds of one filing, through Django's test client in this
    process (after a warm-up), so the server's share is not mixed with the load generator's."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=headers["Authorization"])

    def file(k: int) -> None:
        _method, path, body, _headers = make(99, k)
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]

    for k in range(20):
        file(k)
    # Counted by an execute wrapper: Django empties its own query log at each request start.
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for k in range(20, 70):
            file(k)
    # Timed apart from the counting.
    started = time.process_time()
    for k in range(70, 70 + filings):
        file(k)
    cpu = time.process_time() - started
    return queries / 50, cpu * 1000 / filings


def _queries_of_one_filing(headers: dict[str, str], make: Any) -> list[tuple[str, str]]:
    """Each statement of one (warm) filing with the innermost project frame that issued it:
    the list to read when cutting round trips."""
    import traceback

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=headers["Authorization"])
    seen: list[tuple[str, str]] = []
    src = str(ROOT / "src") + os.sep

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        frames = [f for f in traceback.extract_stack() if f.filename.startswith(src)]
        caller = (
            f"{Path(frames[-1].filename).relative_to(src)}:{frames[-1].lineno} {frames[-1].name}"
            if frames
            else "django"
        )
        seen.append((caller, " ".join(sql.split())[:110]))
        return execute(sql, params, many, context)

    _method, path, body, _headers = make(98, 0)
    client.post(path, body, content_type="application/json")  # warm: per-process caches
    _method, path, body, _headers = make(98, 1)
    with connection.execute_wrapper(record):
        response = client.post(path, body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    return seen


def _event_rows(events: Any) -> list[tuple[Any, ...]]:
    """The created events' columns as stored, with fresh numbers so they can go in again."""
    from psycopg.types.json import Jsonb

    from gridgov.events.models import Event

    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    rows = []
    for k, values in enumerate(events.values_list(*[f.attname for f in fields])):
        row = list(values)
        for i, f in enumerate(fields):
            if f.name == "number":
                row[i] = f"BX{k:014d}"
            elif f.get_internal_type() == "JSONField":
                row[i] = Jsonb(row[i])
        rows.append(tuple(row))
    return rows


def _plain_inserts(rows: list[tuple[Any, ...]]) -> tuple[float, float]:
    from django.db import connection, transaction

    from gridgov.events.models import Event

    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    table = Event._meta.db_table
    columns = ", ".join(str(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    timings = []
    for kind in ("executemany", "copy"):
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor
            started = time.perf_counter()
            if kind == "executemany":
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
            else:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            timings.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return timings[0], timings[1]


if __name__ == "__main__":
    sys.exit(main())
