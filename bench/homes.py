"""Each role's home (the workbench) and the counts fragment it polls, under concurrent load.

    .venv/bin/python bench/homes.py [--seconds 5] [--clients 8] [--users gw,cs,sd,dc,...]
    DATABASE_URL=postgres://... .venv/bin/python bench/homes.py

Run after `manage.py seed_demo` (any scale; the goal is stated for `--scale city`). Serves
the app with bench/events_server.py (wsgiref, pooled threads, DEBUG off) and, for each demo
account, sends `--clients` concurrent clients at `/` and at `/home/counts` for `--seconds`,
signed in with a session cookie as a browser is. Prints throughput and p50/p95 per account
and URL. Reads only; the sessions it makes are deleted. Exit status: 0, or 1 when a request
failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ACCOUNTS = "gw,cs,sd,dh,dc,an,sysadmin,secadmin,auditor"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--users", default=ACCOUNTS, help="demo usernames, comma-separated")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from events_server import hammer_get, machine, served

    from gridgov.accounts.models import User
    from gridgov.events.models import Event

    names = args.users.split(",")
    found = User.objects.filter(username__in=names)
    accounts = sorted(found, key=lambda u: names.index(u.username))
    if not accounts or not Event.objects.exists():
        print("No demo accounts or events: run `manage.py seed_demo` first.")
        return 1
    print(f"events: {Event.objects.count():,}; {machine()}")
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
                print(f"\n{user.username} ({user.role})")
                for path in ("/", "/home/counts"):
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
