"""What operators rely on: the probes, the metrics, the request id in JSON logs, the router."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.test import Client

from gridgov.core.crypto import RedactingFilter
from gridgov.core.logs import JsonFormatter, RequestIdFilter, request_id
from gridgov.core.routers import REPLICA, ReplicaRouter, replica_reads
from gridgov.events.models import Event
from gridgov.testing.broker import broker_down

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_a_login() -> None:
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_checks_database_broker_and_cache() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["checks"] == {"database": "ok", "broker": "ok", "cache": "ok"}
    assert body["tasks"] == {"waiting_for_broker": 0, "failed": 0}


def test_readyz_is_unavailable_while_the_broker_is_down() -> None:
    with broker_down():
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "down"


def test_every_response_carries_a_request_id_and_keeps_the_proxys() -> None:
    assert len(Client().get("/healthz")["X-Request-ID"]) == 32
    given = Client().get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789")
    assert given["X-Request-ID"] == "nginx-0123456789"
    odd = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert odd["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id_and_no_id_number() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("gridgov.test.ops")
    logger.addHandler(handler)
    token = request_id.set("req-12345678")
    try:
        logger.warning("person %s phone %s", "320104199001010005", "13812340000")
    finally:
        request_id.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert (line["level"], line["request_id"]) == ("WARNING", "req-12345678")
    assert "320104199001010005" not in line["message"]
    assert "13812340000" not in line["message"]


def test_metrics_count_requests_and_report_the_background_work() -> None:
    client = Client()
    client.get("/healthz")
    body = client.get("/metrics").content.decode()
    assert 'gridgov_http_requests_total{method="GET",status="200",view="healthz"}' in body
    assert "gridgov_http_request_seconds_bucket" in body
    for name in ("gridgov_tasks_waiting_for_broker", "gridgov_tasks_failed"):
        assert f"{name} 0.0" in body
    assert "gridgov_overdue_stages 0.0" in body
    assert "gridgov_task_queue_depth" in body


def test_metrics_are_refused_to_other_addresses() -> None:
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 403


def test_the_router_reads_the_replica_only_when_asked(settings: Any) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Event) is None
    with replica_reads():
        assert router.db_for_read(Event) is None  # no replica configured
        settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
        assert router.db_for_read(Event) == REPLICA
        assert router.db_for_write(Event) is None
    assert router.db_for_read(Event) is None
    assert not router.allow_migrate(REPLICA, "events")
