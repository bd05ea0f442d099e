"""The cost of the audit trail's hash chain: appends per second, alone and concurrent, the
chainer, and verify.

    DATABASE_URL=postgres://… .venv/bin/python bench/audit_append.py [--writes 2000] [--threads 8]

Builds a scratch database (test_<name>, dropped at the end), then times
--writes audit entries, each in its own committed transaction as an
action writes it: first as a bare INSERT (the floor), then through
audit_record, once from one thread and once split over --threads
concurrent writers (audited writes per second: what the chain's lock
capped before ADR 0034). Then times the chainer linking every entry, and
`audit_verify` over the chain. Goal: an audited append costs at most 1.5
times a bare INSERT from one writer. Exit status: 0 when met, 2 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from gridgov.audit.actions import audit_chain, audit_record  # noqa: E402
from gridgov.audit.models import AuditEntry  # noqa: E402
from gridgov.audit.selectors import chain_state  # noqa: E402

GOAL = 1.5


def bare(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            AuditEntry.objects.create(action=f"bench.bare{i}", detail={"i": i})


def chained(n: int, tag: str = "") -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action=f"bench.chained{tag}{i}", detail={"i": i})


def timed(label: str, n: int, run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(
        f"{label:<40} {n:>7} entries {seconds:7.2f} s {1000 * seconds / n:7.3f} ms/entry "
        f"{n / seconds:8.1f}/s"
    )
    return seconds / n


def concurrent(total: int, threads: int) -> None:
    def work(t: int) -> None:
        try:
            chained(total // threads, tag=f"t{t}.")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    settings.DATABASES["default"]["NAME"] = "gridgov_bench_audit"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"{connection.vendor}, {args.writes} writes")
        before = timed("bare INSERT, 1 writer", args.writes, lambda: bare(args.writes))
        after = timed("audit_record, 1 writer", args.writes, lambda: chained(args.writes))
        timed(
            f"audit_record, {args.threads} writers",
            args.writes,
            lambda: concurrent(args.writes, args.threads),
        )
        timed("audit_chain, every entry", AuditEntry.objects.count(), audit_chain)
        start = time.perf_counter()
        state = chain_state()
        seconds = time.perf_counter() - start
        print(
            f"audit_verify: {state.checked} entries in {seconds:.2f} s "
            f"({state.checked / seconds:,.0f}/s), intact: {state.first_break is None}"
        )
        ratio = after / before
        print(f"chained / bare: {ratio:.2f} (goal ≤ {GOAL})")
        return 0 if ratio <= GOAL and state.first_break is None else 2
    finally:
        connections.close_all()
        connection.creation.destroy_test_db("gridgov_bench_audit", verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
