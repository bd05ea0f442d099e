"""Prometheus metrics at /metrics: requests and latencies counted by every web process, and
the state of the background work read from the database and the broker at each scrape.

With several gunicorn workers each process counts on its own: set PROMETHEUS_MULTIPROC_DIR
(deploy/gunicorn.conf.py empties it at start and marks exited workers), and a scrape of any
worker adds up all of them. The database figures are the same whichever worker answers."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from gridgov.events.models import Deadline
from gridgov.tasks.engine import app, broker_connection
from gridgov.tasks.selectors import backlog, last_success

REQUESTS = Counter(
    "gridgov_http_requests_total", "HTTP requests answered", ["method", "view", "status"]
)
LATENCY = Histogram(
    "gridgov_http_request_seconds",
    "Time to answer an HTTP request",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class MetricsMiddleware:
    """Labels by the URL's name, not its path, so that event numbers make no new series."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name or "unnamed") if match is not None else "unmatched"
        LATENCY.labels(request.method, view).observe(time.perf_counter() - start)
        REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        return response


def queue_depth() -> int | None:
    """Messages waiting in the task queue; None when the broker cannot say."""
    try:
        with broker_connection() as conn:
            channel: Any = conn.default_channel
            declared = channel.queue_declare(queue=app.conf.task_default_queue, passive=True)
            return int(declared.message_count)
    except Exception:  # a broker that is down or cannot count gives no figure
        return None


class BackgroundCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        waiting = backlog()
        yield GaugeMetricFamily(
            "gridgov_tasks_waiting_for_broker",
            "Tasks committed but not yet published",
            value=waiting.waiting,
        )
        yield GaugeMetricFamily(
            "gridgov_tasks_failed",
            "Tasks that exhausted their retries (dead letters)",
            value=waiting.dead,
        )
        depth = queue_depth()
        if depth is not None:
            yield GaugeMetricFamily(
                "gridgov_task_queue_depth",
                "Messages waiting in the broker's task queue",
                value=depth,
            )
        overdue = Deadline.objects.filter(Q(ended_at__isnull=True) & Q(due_at__lt=now)).count()
        yield GaugeMetricFamily(
            "gridgov_overdue_stages",
            "Event stages past their time limit and still open",
            value=overdue,
        )
        last = last_success("periodic")
        if last is not None:
            yield GaugeMetricFamily(
                "gridgov_sweep_lag_seconds",
                "Seconds since the periodic sweeps last completed",
                value=(now - last).total_seconds(),
            )


def _allowed(request: HttpRequest) -> bool:
    return request.META.get("REMOTE_ADDR", "") in settings.GRIDGOV_METRICS_ALLOWED


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    background = CollectorRegistry()
    background.register(BackgroundCollector())
    body = generate_latest(registry) + generate_latest(background)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
