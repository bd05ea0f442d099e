"""The read side through a third-party client, georeport 0.3.1 from PyPI, which speaks HTTP
with `requests`: it talks to a live server, in JSON and in XML, with a jurisdiction id."""

from __future__ import annotations

from typing import Any

import pytest
from georeport import GeoReport

from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.residents import event_resident_report
from gridgov.events.models import Channel
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import HERE, build_tree


@pytest.fixture
def served(live_server: Any, transactional_db: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    monkeypatch.delenv("http_proxy", raising=False)
    tree = build_tree()
    catalogue_load(actor=None, data=default_catalogue())
    for i, code in enumerate(["0202", "0301"]):
        event_resident_report(
            within=tree["3201"],
            channel=Channel.API,
            source_system="open311",
            idempotency_key=f"k{i}",
            category_code=code,
            description=f"问题{i}",
            lon=HERE[0],
            lat=HERE[1],
        )
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(served: str, fmt: str) -> None:
    client = GeoReport(served, jurisdiction="320104", output_format=fmt)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"0101", "0202", "1001"} <= codes
    definition = client.get_service_definition("0801")
    attributes = definition["attributes"]
    first = attributes[0] if fmt == "json" else attributes["attribute"][0]
    assert first["code"] == "dispute_kind"
    requests = client.get_service_requests(status="open")
    numbers = [r["service_request_id"] for r in requests]
    assert len(numbers) == 2
    one = client.get_service_request(numbers[0])
    assert one["service_request_id"] == numbers[0]
    assert one["status"] == "open"
    assert str(one["requested_datetime"]).endswith("+08:00")
    only = client.get_service_requests(service_code="0301")
    only = only if isinstance(only, list) else [only]
    assert [r["service_code"] for r in only] == ["0301"]


def test_georeport_sees_http_errors(served: str) -> None:
    import requests

    client = GeoReport(served, jurisdiction="999999")
    with pytest.raises(requests.HTTPError):
        client.get_service_list()
