"""Queue latency for dispatchers: the /events/ page tabs and the API list with its filters.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \\
        .venv/bin/python bench/events_queue.py [--seconds 5] [--clients 8]

Run after `manage.py seed_demo --scale city`. Serves the app with
bench/events_server.py (wsgiref, pooled threads, DEBUG off) and, for the
demo's subdistrict dispatcher (sd) and district commander (dc), sends
`--clients` concurrent clients at each URL for `--seconds`: the queue page
tabs (signed in with a session cookie, as a browser is) and the API list
filtered by status and category (bearer token). Prints throughput and
p50/p95 per URL. Reads only; the session and token it makes are deleted.
Exit status: 0, or 1 when a request failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = ("to_register", "to_dispatch", "overdue", "all")
API_FILTERS = ("", "?status=registered", "?status=accepted", "?category=01", "?page=20")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes sharing --clients threads"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from events_server import hammer_get, machine, served

    from gridgov.accounts.actions import api_token_create
    from gridgov.accounts.models import ApiToken, User
    from gridgov.events.models import Event
    from gridgov.events.selectors import events_visible

    accounts = list(User.objects.filter(username__in=["sd", "dc"]).order_by("-username"))
    if len(accounts) < 2 or not Event.objects.exists():
        print("No demo events: run `manage.py seed_demo --scale city` first.")
        return 1
    print(f"events: {Event.objects.count():,}; {machine()}")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions, tokens = [], []
    failed = False
    try:
        with served(threads=args.clients, processes=args.processes) as port:
            for user in accounts:
                session = store()
                session[SESSION_KEY] = str(user.pk)
                session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
                session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                session.save()
                sessions.append(session)
                token, key = api_token_create(actor=user, name="bench events_queue")
                tokens.append(token.pk)
                cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
                bearer = {"Authorization": f"Bearer {key}"}
                visible = events_visible(user).count()
                print(f"\n{user.username} ({user.role}), {visible:,} events in scope")
                urls = [(f"/events/?tab={tab}", cookie) for tab in PAGES]
                urls += [(f"/api/v1/events{query}", bearer) for query in API_FILTERS]
                for path, headers in urls:
                    loaded = hammer_get(
                        port, path, headers, clients=args.clients, seconds=args.seconds
                    )
                    failed = failed or loaded
    finally:
        for session in sessions:
            session.delete()
        ApiToken.objects.filter(pk__in=tokens).delete()
    print(f"after: {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
