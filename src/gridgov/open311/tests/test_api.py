"""Open311 GeoReport v2 through the Django client: every JSON answer against the official
schemas, every XML answer parsed, and each kind of bad input answered as the spec says with
nothing created."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import xmltodict
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.events.actions.attachments import attachment_publish
from gridgov.events.actions.intake import event_report
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Event, EventAttachment
from gridgov.events.workflow import Command
from gridgov.open311.models import ClientApplication
from gridgov.public.models import RateWindow
from gridgov.testing.images import PNG
from gridgov.testing.tree import HERE

pytestmark = pytest.mark.django_db

Check = Callable[[str, Any], None]
V2 = "/open311/v2"


def post(client: Client, fmt: str = "json", **params: Any) -> Any:
    return client.post(f"{V2}/requests.{fmt}", params)


def valid(api_key: str, /, **overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "api_key": api_key,
        "service_code": "0202",
        "lat": HERE[1],
        "long": HERE[0],
        "description": "路灯不亮",
        "phone": "13912345678",
    }
    params.update(overrides)
    return params


def xml(response: Any) -> Any:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return xmltodict.parse(response.content)


def test_discovery(check_schema: Check) -> None:
    client = Client()
    body = client.get(f"{V2}/discovery.json").json()
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2"
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert xml(client.get(f"{V2}/discovery.xml"))["discovery"]["endpoints"]["endpoint"]


def test_services_and_definitions_match_the_schemas(catalogue: None, check_schema: Check) -> None:
    client = Client()
    answer = client.get(f"{V2}/services.json")
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    services = answer.json()
    check_schema("services.json", services)
    assert {s["service_code"] for s in services} >= {"0101", "0401", "1001"}
    by_code = {s["service_code"]: s for s in services}
    assert by_code["0201"]["metadata"] is True
    assert by_code["0202"]["metadata"] is False
    assert by_code["0201"]["group"] == "公共设施"
    for code in by_code:
        definition = client.get(f"{V2}/services/{code}.json").json()
        check_schema("service-definition.json", definition)
    cover = client.get(f"{V2}/services/0201.json").json()["attributes"]
    assert cover[0]["datatype"] == "singlevaluelist"
    assert cover[0]["order"] == 1
    assert {"key", "name"} <= cover[0]["values"][0].keys()
    parsed = xml(client.get(f"{V2}/services.xml"))
    assert len(parsed["services"]["service"]) == len(services)
    definition = xml(client.get(f"{V2}/services/0801.xml"))["service_definition"]
    assert definition["attributes"]["attribute"][0]["datatype"] == "singlevaluelist"


def test_post_then_follow_by_id_token_list_and_updates(
    api_key: str, users: dict[str, User], check_schema: Check
) -> None:
    client = Client()
    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    answer = client.post(f"{V2}/requests.json", {**valid(api_key, token="retry-1"), "media": photo})
    assert answer.status_code == 201
    [created] = answer.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id", "status_url"}
    number = created["service_request_id"]
    event = Event.objects.get(number=number)
    assert event.caller_phone_masked == "139****5678"
    # The same token again is the same report: a client's retry after a lost answer, which
    # gets the reporter's link anew (the first answer's stops).
    again = post(client, **valid(api_key, token="retry-1"))
    assert again.status_code == 200
    assert again.json()[0]["service_request_id"] == number
    assert Client().get(created["status_url"]).status_code == 404
    assert 'data-own="true"' in Client().get(again.json()[0]["status_url"]).content.decode()
    assert Event.objects.count() == 1
    usage = ClientApplication.objects.get()
    assert (usage.request_count, usage.report_count) == (2, 1)
    assert usage.last_used_at is not None

    token = client.get(f"{V2}/tokens/retry-1.json").json()
    assert token == [{"service_request_id": number, "token": "retry-1"}]
    assert xml(client.get(f"{V2}/tokens/retry-1.xml"))["service_requests"]["request"]

    [one] = client.get(f"{V2}/requests/{number}.json").json()
    check_schema("requests.json", [one])
    check_schema("request.json", one)
    assert one["status"] == "open"
    assert one["requested_datetime"].endswith("+08:00")
    assert one["lat"] == round(HERE[1], 3)
    assert one["media_url"] is None
    attachment_publish(
        actor=users["dispatcher"],
        attachment_ids=list(EventAttachment.objects.values_list("pk", flat=True)),
        approved=True,
    )
    [one] = client.get(f"{V2}/requests/{number}.json").json()
    check_schema("request.json", one)
    assert one["media_url"].startswith("http://testserver/residents/photos/")

    event = event_apply(
        actor=users["dispatcher"],
        event_id=event.pk,
        command=Command.REGISTER,
        expected_version=event.version,
    )
    listed = client.get(f"{V2}/requests.json").json()
    check_schema("requests.json", listed)
    assert [r["service_request_id"] for r in listed] == [number]
    assert listed[0]["status_notes"]
    assert client.get(f"{V2}/requests.json", {"status": "closed"}).json() == []
    assert client.get(f"{V2}/requests.json", {"service_code": "0101"}).json() == []
    assert len(client.get(f"{V2}/requests.json", {"service_request_id": number}).json()) == 1
    parsed = xml(client.get(f"{V2}/requests.xml"))
    assert parsed["service_requests"]["request"]["service_request_id"] == number

    updates = client.get(f"{V2}/servicerequestupdates.json").json()
    assert [u["status"] for u in updates] == ["open", "investigating"]
    assert all(u["updated_datetime"].endswith("+08:00") for u in updates)
    parsed = xml(client.get(f"{V2}/servicerequestupdates.xml"))
    assert len(parsed["service_request_updates"]["request_update"]) == 2


def test_paging_and_the_date_window(api_key: str, check_schema: Check) -> None:
    client = Client()
    for i in range(3):
        post(client, **valid(api_key, description=f"路灯{i}"))
    page = client.get(f"{V2}/requests.json", {"page_size": 2, "page": 2}).json()
    check_schema("requests.json", page)
    assert [r["description"] for r in page] == ["路灯0"]
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get(f"{V2}/requests.json", {"start_date": future}).json() == []


def test_a_resident_report_of_a_category_not_public_is_not_found_by_id(api_key: str) -> None:
    client = Client()
    answer = post(client, **valid(api_key, service_code="0601", **{"attribute[address]": "1栋"}))
    [created] = answer.json()
    number = created["service_request_id"]
    assert client.get(f"{V2}/requests.json").json() == []
    assert client.get(f"{V2}/requests.json", {"service_request_id": number}).json() == []
    for fmt in ("json", "xml"):
        assert client.get(f"{V2}/requests/{number}.{fmt}").status_code == 404
    own = Client().get(created["status_url"])
    assert own.status_code == 200
    assert number in own.content.decode()


def test_staff_reports_of_private_categories_are_not_found(
    catalogue: None, users: dict[str, User]
) -> None:
    event = event_report(
        actor=users["grid_worker"],
        category_code="0401",
        description="飞线充电",
        lon=HERE[0],
        lat=HERE[1],
        extra={"building": "3栋"},
    )
    answer = Client().get(f"{V2}/requests/{event.number}.json")
    assert answer.status_code == 404


def errors(answer: Any, status: int) -> list[str]:
    assert answer.status_code == status
    body = answer.json()
    assert isinstance(body, list)
    assert body
    assert all(set(e) == {"code", "description"} and e["code"] == status for e in body)
    return [e["description"] for e in body]


@pytest.mark.parametrize(
    ("overrides", "status", "says"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "9999"}, 404, "9999"),
        ({"service_code": "0801"}, 400, "attribute[dispute_kind]"),
        ({"service_code": "0601", "attribute[occupants]": "many"}, 400, "attribute[occupants]"),
        ({"lat": 31.7, "long": 120.5}, 400, "lat/long"),
        ({"lat": "", "long": ""}, 400, "address_string"),
        ({"lat": "", "long": "", "address_string": "无此路9号"}, 400, "address_string"),
        ({"lat": "", "long": "", "address_id": "nope"}, 400, "address_id"),
        ({"description": "灯" * 4001}, 400, "4000"),
        ({"description": "<b>路灯</b>"}, 400, "HTML"),
        ({"jurisdiction_id": "999999"}, 404, "jurisdiction_id"),
        ({"jurisdiction_id": "320105"}, 400, "lat/long"),
        ({"phone": "call me"}, 400, "phone"),
    ],
)
def test_bad_posts_answer_in_the_spec_format_and_create_nothing(
    api_key: str, overrides: dict[str, Any], status: int, says: str
) -> None:
    for fmt in ("json", "xml"):
        answer = post(Client(), fmt, **valid(api_key, **overrides))
        if fmt == "json":
            assert any(says in d for d in errors(answer, status)), answer.json()
        else:
            assert answer.status_code == status
            assert xml(answer)["errors"]["error"]
    assert not Event.objects.exists()


def test_an_address_places_the_report(api_key: str) -> None:
    from gridgov.addresses.tests.factories import TARGET_TEXT, make_target_address

    address = make_target_address()
    answer = post(Client(), **valid(api_key, lat="", long="", address_id=address.code))
    assert answer.status_code == 201
    answer = post(Client(), **valid(api_key, lat="", long="", address_string=TARGET_TEXT))
    assert answer.status_code == 201
    assert Event.objects.filter(lon=address.lon, lat=address.lat).count() == 2


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"status": "pending"}, "status"),
        ({"page_size": "5000"}, "page_size"),
    ],
)
def test_bad_reads_answer_400(catalogue: None, params: dict[str, str], says: str) -> None:
    assert any(says in d for d in errors(Client().get(f"{V2}/requests.json", params), 400))


def test_unknown_ids_answer_404_in_both_formats(catalogue: None) -> None:
    client = Client()
    for path in ("requests/SJ0.json", "tokens/nope.json", "services/9999.json"):
        errors(client.get(f"{V2}/{path}"), 404)
    assert xml(client.get(f"{V2}/requests/SJ0.xml"))["errors"]["error"]["code"] == "404"


def test_per_key_rate_limit(api_key: str) -> None:
    ClientApplication.objects.update(requests_per_hour=2)
    client = Client()
    post(client, **valid(api_key))
    post(client, **valid(api_key))
    errors(post(client, **valid(api_key)), 429)
    assert Event.objects.count() == 2


def test_reads_are_rate_limited_per_address(catalogue: None, settings: Any) -> None:
    """The window is a fixed minute: three reads that straddle its turn are tried again."""
    settings.OPEN311_READS_PER_MINUTE = 2
    for _attempt in range(3):
        RateWindow.objects.all().delete()
        minute = timezone.now().replace(second=0, microsecond=0)
        client = Client()
        answers = [client.get(f"{V2}/services.json") for _ in range(3)]
        if timezone.now().replace(second=0, microsecond=0) == minute:
            break
    assert [a.status_code for a in answers[:2]] == [200, 200]
    errors(answers[2], 429)


def test_the_key_is_stored_as_a_digest(api_key: str) -> None:
    row = ClientApplication.objects.get()
    assert api_key not in (row.digest, row.prefix)
    assert row.digest == ClientApplication.digest_of(api_key)
