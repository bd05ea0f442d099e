"""A dispatch's notice in the department's inbox: time from the commit to the inbox read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify_bench \\
        .venv/bin/python bench/notify_dispatch.py [--events 200]

Needs an empty database of its own (it migrates it, then writes a small tree, the default
catalogue, a department with five handlers and a dispatcher). Reports and registers
`--events` events, then dispatches them one at a time, each its own transaction, while a
second thread with its own connection polls the handlers' unread count, as the header
does, every 5 ms. Prints p50/p95/max of commit → seen in the inbox, and the dispatch time
with its notices. Exit status: 0 when the p95 is under 2 s, 2 above.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.005


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    os.environ.setdefault("GRIDGOV_TASKS_EAGER", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    # Each step logs a line; a terminal full of them is no figure.
    logging.disable(logging.INFO)
    from gridgov.accounts.models import User
    from gridgov.accounts.roles import Role
    from gridgov.departments.models import Department
    from gridgov.events.actions.catalogue import catalogue_load
    from gridgov.events.actions.intake import event_report
    from gridgov.events.actions.loop import event_apply
    from gridgov.events.workflow import Command
    from gridgov.notifications.selectors import unread_count
    from gridgov.testing.catalogue import default_catalogue
    from gridgov.testing.tree import HERE, build_tree
    from gridgov.testing.users import make_user

    if User.objects.exists():
        print("The database is not empty: give the benchmark a database of its own.")
        return 1
    tree = build_tree()
    catalogue_load(actor=None, data=default_catalogue())
    brigade = Department.objects.create(
        code="320104-fire", name="消防救援大队", node=tree["320104"]
    )
    handlers = [make_user(f"fh{n}", Role.DEPARTMENT_HANDLER, department=brigade) for n in range(5)]
    reporter = make_user("gw", Role.GRID_WORKER, node=tree["320104001001001"])
    dispatcher = make_user("sd", Role.SUBDISTRICT_DISPATCHER, node=tree["320104001"])
    events = []
    for n in range(args.events):
        event = event_report(
            actor=reporter,
            category_code="0401",
            description=f"楼道飞线充电 {n}",
            lon=HERE[0],
            lat=HERE[1],
            extra={"building": "3栋"},
        )
        events.append(
            event_apply(
                actor=dispatcher,
                event_id=event.pk,
                command=Command.REGISTER,
                expected_version=event.version,
            )
        )
    print(f"{connection.vendor}; {args.events} dispatches to a department of {len(handlers)}")

    committed: dict[int, float] = {}
    seen: dict[int, float] = {}
    done = threading.Event()
    watched = handlers[-1]

    def poll() -> None:
        from django.db import connection as own

        while not done.is_set():
            count = unread_count(watched)
            now = time.perf_counter()
            for n in range(1, count + 1):
                seen.setdefault(n, now)
            time.sleep(POLL_SECONDS)
        own.close()

    poller = threading.Thread(target=poll)
    poller.start()
    took = []
    for n, event in enumerate(events, start=1):
        start = time.perf_counter()
        event_apply(
            actor=dispatcher,
            event_id=event.pk,
            command=Command.DISPATCH,
            expected_version=event.version,
        )
        committed[n] = time.perf_counter()
        took.append(committed[n] - start)
        while n not in seen and time.perf_counter() - committed[n] < 5:
            time.sleep(POLL_SECONDS / 5)
    done.set()
    poller.join()
    lags = sorted(max(0.0, seen.get(n, float("inf")) - committed[n]) for n in committed)
    p95 = lags[int(len(lags) * 0.95) - 1]
    ms = 1000
    print(
        f"commit → inbox: p50 {statistics.median(lags) * ms:.1f} ms, p95 {p95 * ms:.1f} ms, "
        f"max {lags[-1] * ms:.1f} ms (polled every {POLL_SECONDS * ms:.0f} ms)"
    )
    took.sort()
    print(
        f"dispatch with its notices: p50 {statistics.median(took) * ms:.1f} ms, "
        f"p95 {took[int(len(took) * 0.95) - 1] * ms:.1f} ms"
    )
    return 0 if p95 < 2 else 2


if __name__ == "__main__":
    sys.exit(main())
