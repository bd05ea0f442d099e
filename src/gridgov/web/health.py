"""Liveness and readiness for the load balancer and the process supervisor.

/healthz answers while the process can serve a request at all (restart it when not);
/readyz answers 200 only when the database, the broker and the cache answer, so a
balancer stops sending users to an instance that would fail them. Neither needs a login
and neither says more than which dependency is down."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gridgov.tasks.engine import broker_connection
from gridgov.tasks.selectors import backlog

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    with broker_connection():
        pass


def _cache() -> None:
    key = "readyz"
    cache.set(key, time.time(), 10)
    if cache.get(key) is None:
        raise RuntimeError("cache did not keep a value")


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "broker": _broker, "cache": _cache}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a dependency means "not ready"
            logger.warning("readiness: %s unreachable: %s", name, exc)
            checks[name] = "down"
        else:
            checks[name] = "ok"
    ready = all(v == "ok" for v in checks.values())
    body: dict[str, object] = {"status": "ok" if ready else "unavailable", "checks": checks}
    if checks["database"] == "ok":
        waiting = backlog()
        body["tasks"] = {"waiting_for_broker": waiting.waiting, "failed": waiting.dead}
    return JsonResponse(body, status=200 if ready else 503)
