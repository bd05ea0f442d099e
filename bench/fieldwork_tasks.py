"""The grid worker's task list under concurrent load: the phone page and the API list.

    .venv/bin/python bench/fieldwork_tasks.py [--seconds 10] [--clients 8] [--user gw]
    DATABASE_URL=postgres://... .venv/bin/python bench/fieldwork_tasks.py

Run after `manage.py seed_demo` (the goal, p95 < 150 ms with 8 clients, is stated for the
small scale). Serves the app with bench/events_server.py (wsgiref, pooled threads, DEBUG
off) and sends `--clients` concurrent clients, signed in with a session cookie as the
phone is, at `/fieldwork/` (the one list: field tasks and verification tasks, duty state)
and at `/api/v1/fieldwork/tasks`, for `--seconds` each. Prints the task counts the list
reads over, throughput and p50/p95. Reads only; the session it makes is deleted. Exit
status: 0, or 1 when a request failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--user", default="gw", help="a demo grid worker's username")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from events_server import hammer_get, machine, served

    from gridgov.accounts.models import User
    from gridgov.fieldwork.models import FieldTask
    from gridgov.fieldwork.selectors import open_tasks_of_worker

    user = User.objects.filter(username=args.user).first()
    if user is None or not FieldTask.objects.unscoped().exists():
        print("No demo grid worker or field tasks: run `manage.py seed_demo` first.")
        return 1
    print(
        f"field tasks: {FieldTask.objects.unscoped().count():,} in all, "
        f"{open_tasks_of_worker(user).count():,} open for {user.username}; {machine()}"
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
    failed = False
    try:
        with served(threads=args.clients) as port:
            for path in ("/fieldwork/", "/api/v1/fieldwork/tasks"):
                loaded = hammer_get(port, path, cookie, clients=args.clients, seconds=args.seconds)
                failed = failed or loaded
    finally:
        session.delete()
    print(f"after: {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
