"""The morning's reports for every node and department of the seeded city, PDF included.

    DATABASE_URL=postgres://... .venv/bin/python bench/daily_reports.py [--workers 2]
        [--period day] [--limit N]

Run after `manage.py seed_demo` (the goal is stated for the city's ~1,400 nodes of a
district's tree: < 5 minutes with 2 workers). Splits the units (every node of the tree and
every department, or the first --limit) between --workers processes, each generating its
share one report at a time as a report worker does (sections, row, PDF, inbox notice), and
prints the wall time, reports per minute, the mean and p95 time per report and each
process's peak memory. Writes reports for yesterday (replacing any of that day).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import timedelta
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()


def work(job: tuple[list[tuple[str, int]], str]) -> tuple[list[float], float]:
    """Generate one share; answers each report's seconds and the process's peak MiB."""
    units, period = job
    setup()
    from django.db import connection
    from django.utils import timezone

    from gridgov.departments.models import Department
    from gridgov.jurisdiction.models import Node
    from gridgov.reports.actions import report_generate

    connection.close()  # a fresh connection per process, never the parent's
    start = timezone.localdate() - timedelta(days=1)
    times = []
    for kind, pk in units:
        tick = time.monotonic()
        if kind == "node":
            report_generate(node=Node.objects.unscoped().get(pk=pk), period=period, start=start)
        else:
            department = Department.objects.unscoped().select_related("node").get(pk=pk)
            report_generate(department=department, period=period, start=start)
        times.append(time.monotonic() - tick)
    return times, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--period", default="day", choices=("day", "week", "month"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N units")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from gridgov.departments.models import Department
    from gridgov.jurisdiction.models import Node

    units = [
        ("node", pk) for pk in Node.objects.unscoped().order_by("code").values_list("pk", flat=True)
    ]
    units += [
        ("department", pk) for pk in Department.objects.unscoped().values_list("pk", flat=True)
    ]
    if args.limit:
        units = units[: args.limit]
    if not units:
        print("No nodes: run `manage.py seed_demo` first.")
        return 1
    connection.close()
    shares = [(units[i :: args.workers], args.period) for i in range(args.workers)]
    started = time.monotonic()
    with get_context("spawn").Pool(args.workers) as pool:
        results = pool.map(work, shares)
    wall = time.monotonic() - started
    times = sorted(t for share, _ in results for t in share)
    p95 = times[int(len(times) * 0.95) - 1] if len(times) > 1 else times[0]
    print(f"{len(times)} {args.period} reports with {args.workers} workers: {wall:.1f} s wall")
    print(
        f"{len(times) / wall * 60:.0f} reports/min; per report "
        f"mean {statistics.mean(times):.2f} s, p95 {p95:.2f} s"
    )
    print("peak memory per worker (MiB):", [round(mib) for _, mib in results])
    return 0


if __name__ == "__main__":
    sys.exit(main())
