"""Open311 list latency: GET /open311/v2/requests.json answering up to 1,000 requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \\
        .venv/bin/python bench/open311_requests.py [--seconds 10] [--clients 4]

Run after `manage.py seed_demo --scale city` (or any demo with events). Serves
the app with bench/events_server.py (wsgiref, pooled threads, DEBUG off) and
sends `--clients` concurrent clients at the list for `--seconds`: the default
window (the last 90 days, at most 1,000 public requests), the same with
status=open, and the XML form. A client application without a rate limit is
registered for the run and removed afterwards, so the per-address read limit
does not stop the load. Prints the number of requests each answer held and
throughput, p50 and p95 per URL (goal: p95 < 150 ms). Exit status: 0, or 1
when a request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

QUERIES = ("requests.json", "requests.json?status=open", "requests.xml")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes sharing --clients threads"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from events_server import hammer, machine, served

    from gridgov.open311.actions import client_create
    from gridgov.open311.models import ClientApplication
    from gridgov.residents.selectors import events_public

    public = events_public().count()
    if not public:
        print("No public events: run `manage.py seed_demo` first.")
        return 1
    print(f"events in public categories: {public:,}; {machine()}")
    client = ClientApplication(name="bench open311_requests", requests_per_hour=0)
    key = client_create(actor=None, client=client)
    failed = False
    try:
        with served(threads=args.clients, processes=args.processes) as port:
            for query in QUERIES:
                sep = "&" if "?" in query else "?"
                path = f"/open311/v2/{query}{sep}api_key={key}"
                if query.endswith(".json"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as answer:  # noqa: S310 — our own server
                        print(f"\nGET {query}: {len(json.load(answer)):,} requests per answer")

                def get(
                    _client: int, _k: int, path: str = path
                ) -> tuple[str, str, None, dict[str, str]]:
                    return "GET", path, None, {}

                hammer(port, get, clients=1, seconds=1.0, limit=2)
                load = hammer(port, get, clients=args.clients, seconds=args.seconds)
                print("  " + load.summary(f"GET /open311/v2/{query}"))
                if load.failures:
                    print("    first failure:", load.failures[0][:200])
                failed = failed or bool(load.failures) or not load.latencies
    finally:
        ClientApplication.objects.filter(pk=client.pk).delete()
    print(f"after: {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
