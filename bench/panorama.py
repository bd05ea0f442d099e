"""The panorama under load, and the indices' computation for a year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \\
        .venv/bin/python bench/panorama.py [--seconds 5] [--clients 8] [--months 12]

Run after `manage.py seed_demo`. First computes the monthly figures and the indices for
every node for the last `--months` months (`insight.actions.months_compute`, what the
hourly task does for one or two months) and prints the time; then serves the app with
bench/events_server.py and sends `--clients` concurrent clients, for `--seconds` each, at
the panorama of the city (cc) and of the district (dc): the page and its API answer.
Prints throughput and p50/p95 per URL. Exit status: 0, or 1 when a request failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--skip-compute", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from events_server import hammer_get, machine, served

    from gridgov.accounts.models import User
    from gridgov.insight.actions import months_compute
    from gridgov.insight.models import IndexValue, NodeMonth
    from gridgov.jurisdiction.models import Node

    accounts = list(User.objects.filter(username__in=["cc", "dc"]).order_by("username"))
    if len(accounts) < 2:
        print("No demo accounts: run `manage.py seed_demo` first.")
        return 1
    nodes = Node.objects.unscoped().count()
    print(f"nodes: {nodes:,}; {machine()}")
    this_month = timezone.localdate().replace(day=1)
    index = this_month.year * 12 + this_month.month - 1 - args.months
    first = this_month.replace(year=index // 12, month=index % 12 + 1)
    if not args.skip_compute:
        began = time.perf_counter()
        months_compute(actor=None, first=first, last=this_month)
        took = time.perf_counter() - began
        print(
            f"indices: {args.months + 1} months × {nodes:,} nodes in {took:.1f} s "
            f"({NodeMonth.objects.unscoped().count():,} monthly figures, "
            f"{IndexValue.objects.unscoped().count():,} index values)"
        )
    # Last month, the latest one complete.
    month = f"{this_month.replace(day=1) - timedelta(days=1):%Y-%m}"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    failed = False
    try:
        with served(threads=args.clients) as port:
            for user in accounts:
                session = store()
                session[SESSION_KEY] = str(user.pk)
                session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
                session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                session.save()
                sessions.append(session)
                cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
                assert user.node is not None  # noqa: S101 — the demo placed both accounts
                code = user.node.code
                children = Node.objects.unscoped().filter(parent=user.node).count()
                print(f"\n{user.username} at {user.node.name} ({code}), {children} areas below")
                for measure in ("events_per_1000", "index:safety"):
                    for path in (
                        f"/insight/?measure={measure}&month={month}",
                        f"/api/v1/insight/panorama?code={code}&measure={measure}&month={month}-01",
                    ):
                        loaded = hammer_get(
                            port, path, cookie, clients=args.clients, seconds=args.seconds
                        )
                        failed = failed or loaded
    finally:
        for session in sessions:
            session.delete()
    print(f"after: {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
