"""Pushing a census-style campaign to many people, then answers through the API.

    DATABASE_URL=postgres://… .venv/bin/python bench/campaign_push.py [--people 100000]
        [--batch 5000] [--seconds 20] [--clients 8]

Run after `manage.py seed_demo --scale small`. Adds --people floating residents (sealed
phone and ID number like real ones, written in bulk, tagged source=bench) to the grids of
the demo subdistrict (account sd), defines a campaign of every floating resident there and
pushes it: the push task cuts the chunks, then --workers processes take the chunk tasks
from one queue as that many task workers would (each chunk: targets plus one FieldTask
each, through fieldwork's fan-out). Answers are then timed in process (Django test
client, bearer token, the median of ten) with the queries of one counted. Then a server
(bench/events_server.py, gunicorn) takes answers from --clients threads as the grid worker
gw, each POST /api/v1/campaigns/targets/{id}/answer validated by the built form, writing
the answer, the target, the field task's completion and one audit row. Everything the
benchmark wrote is deleted afterwards (audit rows stay: the trail is append-only).
Goals (issue 13): 1,000,000 people pushed in < 60 s with 2 workers; answers ≥ 500/s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_TARGETS_PER_S = 1_000_000 / 60
GOAL_ANSWERS_PER_S = 500.0
# Answers timed in process (the first warms the process and is not counted).
IN_PROCESS = 11


def _chunk(chunk_id: int) -> int:
    """One chunk task, as a task worker runs it (in a forked worker process)."""
    from gridgov.campaigns.actions import campaign_push_chunk

    return campaign_push_chunk(chunk_id=chunk_id)


def _in_process(key: str, body: str, target_ids: list[int]) -> tuple[float, int]:
    """Answers through the API in this process after one to warm it: the median
    milliseconds and the queries of one."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    times = []
    for target_id in target_ids:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(
                f"/api/v1/campaigns/targets/{target_id}/answer",
                body,
                content_type="application/json",
            )
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 300, response.content
    return statistics.median(times[1:]), len(queries.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.db import connection, connections, transaction
    from django.utils import timezone
    from events_server import hammer, machine, served

    from gridgov.accounts.actions import api_token_create
    from gridgov.accounts.models import ApiToken, User
    from gridgov.campaigns.actions import (
        campaign_define,
        campaign_push,
        campaign_push_plan,
        task_key,
    )
    from gridgov.campaigns.catalogue import EPIDEMIC
    from gridgov.campaigns.models import Campaign, Target
    from gridgov.core.append_only import triggers_lifted
    from gridgov.core.crypto import PERSON_ID_NUMBER, PERSON_PHONE, seal
    from gridgov.fieldwork.models import FieldTask, FieldTaskTransition
    from gridgov.jurisdiction.models import Level, Node
    from gridgov.registry.models import Person

    if connection.vendor != "postgresql":
        print("This benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
        return 1
    centre = User.objects.filter(username="sd").select_related("node").first()
    worker = User.objects.filter(username="gw").select_related("node").first()
    if centre is None or centre.node is None or worker is None or worker.node is None:
        print("No demo accounts: run `manage.py seed_demo --scale small` first.")
        return 1
    grids = list(
        Node.objects.unscoped()
        .filter(code__startswith=centre.node.code, level=Level.GRID)
        .select_related("parent")
    )
    print(f"database: {connection.settings_dict['NAME']}; {machine()}")
    started = time.perf_counter()
    rows = []
    for n in range(args.people):
        grid = grids[n % len(grids)]
        rows.append(
            Person(
                grid=grid,
                community=grid.parent,
                source="bench",
                name=f"压测居民{n}",
                birth_date=date(1980 + n % 20, 1, 1),
                sex="M" if n % 2 else "F",
                kind="floating",
                **seal(f"B{n:017d}", PERSON_ID_NUMBER).columns("id_number"),
                **seal(f"139{n:08d}", PERSON_PHONE).columns("phone"),
            )
        )
    Person.objects.bulk_create(rows, batch_size=5000)
    del rows
    print(f"{args.people:,} bench people written in {time.perf_counter() - started:.1f} s")

    campaign = None
    token = None
    try:
        campaign = campaign_define(
            actor=centre,
            title="压测：流动人口健康排查",
            instructions=EPIDEMIC.instructions,
            form=EPIDEMIC.form,
            target_kind="people",
            target_category="floating",
            areas=[centre.node.code],
            due_at=timezone.now() + timedelta(days=3),
        )
        campaign_push(actor=centre, campaign_id=campaign.pk)
        started = time.perf_counter()
        chunks = campaign_push_plan(campaign_id=campaign.pk, chunk_size=args.batch)
        planned_s = time.perf_counter() - started
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(args.workers, connections.close_all) as pool:
            pool.map(_chunk, chunks, chunksize=1)
        pushed_s = time.perf_counter() - started
        targets = Target.objects.unscoped().filter(campaign=campaign)
        total = targets.count()
        tasks = FieldTask.objects.unscoped().filter(
            source_key__startswith=task_key(campaign.pk, "")
        )
        rate = total / pushed_s
        print(
            f"push: {total:,} targets and {tasks.count():,} field tasks in {pushed_s:.1f} s "
            f"({len(chunks)} chunks of {args.batch}, cut in {planned_s:.1f} s) with "
            f"{args.workers} worker processes = {rate:,.0f} targets/s"
        )
        print(
            f"  at that rate 1,000,000 people take {1_000_000 / rate:.0f} s "
            f"(goal < 60 s with 2 workers: {GOAL_TARGETS_PER_S:,.0f} targets/s); "
            f"campaign {Campaign.objects.get(pk=campaign.pk).status}"
        )

        mine = list(
            targets.filter(grid__code__startswith=worker.node.code)
            .order_by("id")
            .values_list("id", flat=True)
        )
        token, key = api_token_create(actor=worker, name="bench campaign_push")
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        body = json.dumps({"values": {"at_home": True, "symptoms": ["无"], "temperature": 36.5}})

        def answer(client: int, k: int) -> tuple[str, str, bytes, dict[str, str]]:
            return (
                "POST",
                f"/api/v1/campaigns/targets/{mine[k]}/answer",
                body.encode(),
                headers,
            )

        print(f"the grid worker's targets to answer: {len(mine):,}")
        one_ms, queries = _in_process(key, body, mine[-IN_PROCESS:])
        print(f"one answer in process: median {one_ms:.0f} ms and {queries} queries")
        mine = mine[:-IN_PROCESS]
        with served(threads=args.clients, processes=2, server="gunicorn") as port:
            hammer(port, answer, clients=2, seconds=2.0, limit=20)
            offset = 20

            def fresh(client: int, k: int) -> tuple[str, str, bytes, dict[str, str]]:
                return answer(client, k + offset)

            load = hammer(
                port, fresh, clients=args.clients, seconds=args.seconds, limit=len(mine) - offset
            )
        print(load.summary("POST /api/v1/campaigns/targets/{id}/answer"))
        if load.failures:
            print("first failures:", *load.failures[:3], sep="\n  ")
        answers_rate = len(load.latencies) / load.seconds
        print(f"answers: {answers_rate:.0f}/s (goal ≥ {GOAL_ANSWERS_PER_S:.0f}/s); {machine()}")
    finally:
        if campaign is not None:
            with transaction.atomic(), triggers_lifted(FieldTaskTransition):
                FieldTask.objects.filter(source_key__startswith=task_key(campaign.pk, "")).delete()
            Campaign.objects.filter(pk=campaign.pk).delete()
        if token is not None:
            ApiToken.objects.filter(pk=token.pk).delete()
        removed = Person.objects.filter(source="bench").delete()[0]
        print(f"cleaned up: {removed:,} bench people and the campaign")
    return 0


if __name__ == "__main__":
    sys.exit(main())
