"""The residents' pages through the Django client: report, number, status, rating, reopening,
the public map, and what abuse meets."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.events.actions.attachments import attachment_publish
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Channel, Event, EventAttachment
from gridgov.events.workflow import Command, Status
from gridgov.public.models import RateWindow
from gridgov.residents.models import ReportSecret
from gridgov.testing.images import PNG
from gridgov.testing.tree import HERE, THERE, Tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.django_db


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "0202",
        "description": "小区门口路灯不亮",
        "lon": HERE[0],
        "lat": HERE[1],
        "address": "",
        "contact_name": "张三",
        "contact_phone": "138 1234 5678",
        "consent": "on",
        "website": "",
        "form_key": "k-1",
    }
    data.update(overrides)
    return data


def post_report(client: Client, **overrides: Any) -> Any:
    return client.post("/residents/", form(**overrides))


def test_the_page_opens_without_login_and_shows_the_privacy_notice(catalogue: None) -> None:
    page = Client().get("/residents/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="privacy-notice"' in text
    assert "leaflet/leaflet.js" in text
    assert "unpkg" not in text
    assert "cdn" not in text.lower()


def test_a_report_gets_a_number_and_keeps_the_phone_masked(catalogue: None) -> None:
    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    answer = Client().post("/residents/", {**form(), "photos": [photo]})
    assert answer.status_code == 302
    event = Event.objects.get()
    assert answer["Location"] == f"/residents/reported/{event.number}/"
    assert event.channel == Channel.SNAP_REPORT
    assert event.reporter is None
    assert event.grid is not None
    assert event.grid.code == "320104001001001"
    assert event.caller_phone_masked == "138****5678"
    assert event.caller_phone_last4 == "5678"
    assert event.caller_name_masked == "张*"
    assert EventAttachment.objects.filter(event=event).count() == 1
    assert AuditEntry.objects.filter(action="events.report", actor=None).exists()
    assert AuditEntry.objects.filter(action="residents.secret_issue", actor=None).exists()


def test_the_confirmation_shows_the_secret_link_once_and_keeps_only_its_digest(
    catalogue: None,
) -> None:
    client = Client()
    answer = post_report(client)
    event = Event.objects.get()
    page = client.get(answer["Location"]).content.decode()
    assert event.number in page
    link, code = _link(page), _code(page)
    assert link.startswith(f"/residents/status/{event.number}/?k=")
    secret = link.rpartition("=")[2]
    assert code.replace("-", "") == secret
    stored = ReportSecret.objects.get(event=event)
    assert stored.digest == ReportSecret.digest_of(secret)
    assert secret not in stored.digest
    again = client.get(answer["Location"]).content.decode()
    assert event.number in again
    assert secret not in again
    assert secret not in Client().get(answer["Location"]).content.decode()


def test_the_same_form_sent_twice_is_one_report(catalogue: None) -> None:
    client = Client()
    first, second = post_report(client), post_report(client)
    assert first["Location"] == second["Location"]
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"website": "http://spam.example"}, 400),
        ({"description": "<script>alert(1)</script>"}, 422),
        ({"lon": THERE[0] + 5, "lat": THERE[1]}, 422),
        ({"lon": "", "lat": "", "address": "不存在路1号"}, 422),
        ({"consent": ""}, 422),
        ({"category": "0401"}, 422),
    ],
)
def test_bad_reports_create_nothing(catalogue: None, overrides: Any, status: int) -> None:
    answer = post_report(Client(), **overrides)
    assert answer.status_code == status
    assert 'id="resident-form"' in answer.content.decode()
    assert not Event.objects.exists()


def test_an_address_it_cannot_place_says_how_it_was_read(catalogue: None) -> None:
    answer = post_report(Client(), lon="", lat="", address="张先生 13912345678 不存在路1号")
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "识别出：道路 不存在路，门牌号 1号；已忽略：13912345678，张先生" in page
    assert not Event.objects.exists()


def test_a_description_over_4000_characters_is_refused(catalogue: None) -> None:
    answer = post_report(Client(), description="路" * 4001)
    assert answer.status_code == 422
    assert not Event.objects.exists()


def test_photos_are_checked_by_their_bytes(catalogue: None) -> None:
    fake = SimpleUploadedFile("lamp.png", b"MZ\x90\x00not an image", content_type="image/png")
    answer = Client().post("/residents/", {**form(), "photos": [fake]})
    assert answer.status_code == 422
    assert "PNG" in answer.content.decode()
    assert not Event.objects.exists()


def test_reports_are_limited_per_address(catalogue: None, settings: Any) -> None:
    settings.RESIDENT_REPORTS_PER_HOUR = 2
    client = Client()
    assert post_report(client, form_key="a").status_code == 302
    assert post_report(client, form_key="b").status_code == 302
    third = post_report(client, form_key="c")
    assert third.status_code == 429
    assert Event.objects.count() == 2
    assert not RateWindow.objects.filter(bucket__contains="127.0.0.1").exists()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert post_report(other, form_key="d").status_code == 302


def _link(page: str) -> str:
    found = re.search(r'id="status-link"[^>]*>([^<]+)<', page)
    assert found, page
    return html.unescape(found.group(1)).removeprefix("http://testserver")


def _code(page: str) -> str:
    found = re.search(r'id="report-code">([^<]+)<', page)
    assert found, page
    return found.group(1)


def _reported(client: Client, **overrides: Any) -> tuple[Event, str]:
    """A report filed through the page, and the secret link its confirmation showed."""
    fields = {"category": "0103", "description": "电线杆上贴满小广告", **overrides}
    answer = post_report(client, **fields)
    link = _link(client.get(answer["Location"]).content.decode())
    return Event.objects.get(number=answer["Location"].split("/")[-2]), link


def _close(event: Event, users: dict[str, User]) -> Event:
    for command, actor, note in [
        (Command.SELF_HANDLE, "grid_worker", "已清除"),
        (Command.VERIFY, "grid_worker", ""),
        (Command.CLOSE, "dispatcher", ""),
    ]:
        event = event_apply(
            actor=users[actor],
            event_id=event.pk,
            command=command,
            expected_version=event.version,
            note=note,
        )
    return event


def test_the_number_alone_shows_the_public_detail_and_no_way_to_rate_or_reopen(
    catalogue: None, users: dict[str, User]
) -> None:
    client = Client()
    event, _link_ = _reported(client, contact_phone="", contact_name="")
    event = _close(event, users)
    stranger = Client()
    page = stranger.post("/residents/status/", {"number": event.number})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-state="closed"' in text
    assert 'data-own="false"' in text
    assert "电线杆上贴满小广告" in text
    assert 'id="rate-form"' not in text
    assert 'id="reopen-form"' not in text
    for doing in [
        {"do": "rate", "score": "1"},
        {"do": "reopen", "reason": "没修好"},
        {"do": "rate", "score": "1", "k": "AAAA-BBBB-CCCC-DDDD"},
        {"do": "rate", "score": "1", "phone_last4": ""},
    ]:
        refused = stranger.post("/residents/status/", {"number": event.number, **doing})
        assert refused.status_code == 404
    event.refresh_from_db()
    assert (event.status, event.rating) == (Status.CLOSED, None)


def test_a_report_not_public_is_found_only_with_its_link(catalogue: None) -> None:
    client = Client()
    event, link = _reported(
        client,
        category="0601",
        description="隔壁群租，联系我13812345678",
        **{"extra-0601-address": "1栋101"},
    )
    assert client.post("/residents/status/", {"number": event.number}).status_code == 404
    assert client.get(f"/residents/status/{event.number}/").status_code == 404
    wrong = client.get(f"/residents/status/{event.number}/?k=AAAABBBBCCCCDDDD")
    assert wrong.status_code == 404
    own = client.get(link)
    assert own.status_code == 200
    text = own.content.decode()
    assert 'data-own="true"' in text
    assert "隔壁群租，联系我138****5678" in text
    assert "13812345678" not in text
    typed = Client().post(
        "/residents/status/", {"number": event.number.lower(), "k": _code_of(link).lower()}
    )
    assert 'data-own="true"' in typed.content.decode()


def _code_of(link: str) -> str:
    secret = link.rpartition("=")[2]
    return "-".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def test_rate_after_closure_then_reopen_within_the_period(
    catalogue: None, users: dict[str, User]
) -> None:
    client = Client()
    event, link = _reported(client)
    event = _close(event, users)
    page = Client().get(link)
    assert 'id="rate-form"' in page.content.decode()
    who = {"number": event.number, "k": link.rpartition("=")[2]}
    rated = client.post("/residents/status/", {**who, "do": "rate", "score": "4"})
    assert rated.status_code == 200
    event.refresh_from_db()
    assert event.status == Status.EVALUATED
    assert event.rating == 4
    again = client.post("/residents/status/", {**who, "do": "rate", "score": "5"})
    assert 'id="status-error"' in again.content.decode()
    event.refresh_from_db()
    assert event.rating == 4
    reopened = client.post("/residents/status/", {**who, "do": "reopen", "reason": "路灯还是不亮"})
    assert reopened.status_code == 200
    event.refresh_from_db()
    assert event.status == Status.REGISTERED
    last = event.transitions.last()
    assert last is not None
    assert last.command == Command.REOPEN
    assert last.actor is None
    assert AuditEntry.objects.filter(action="events.reopen", detail__by="resident").exists()


def test_reopening_after_the_period_is_refused(
    catalogue: None, users: dict[str, User], settings: Any
) -> None:
    settings.RESIDENT_REOPEN_DAYS = 3
    client = Client()
    event, link = _reported(client)
    event = _close(event, users)
    Event.objects.filter(pk=event.pk).update(closed_at=timezone.now() - timedelta(days=4))
    who = {"number": event.number, "k": link.rpartition("=")[2]}
    answer = client.post("/residents/status/", {**who, "do": "reopen", "reason": "没修好"})
    assert "3" in answer.content.decode()
    event.refresh_from_db()
    assert event.status == Status.CLOSED


def test_the_public_map_shows_public_categories_rounded_and_approved_photos_only(
    catalogue: None, users: dict[str, User]
) -> None:
    client = Client()
    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    client.post("/residents/", {**form(lon=118.123456, lat=31.765432), "photos": [photo]})
    post_report(
        client,
        category="0601",
        form_key="k-2",
        description="群租",
        **{"extra-0601-address": "1栋101"},
    )
    data = client.get("/residents/map.json").json()
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == [118.123, 31.765]
    assert feature["properties"]["photos"] == []
    assert "138" not in str(data)
    attachment = EventAttachment.objects.get()
    assert client.get(f"/residents/photos/{attachment.pk}").status_code == 404
    attachment_publish(actor=users["dispatcher"], attachment_ids=[attachment.pk], approved=True)
    data = client.get("/residents/map.json").json()
    assert data["features"][0]["properties"]["photos"] == [f"/residents/photos/{attachment.pk}"]
    served = client.get(f"/residents/photos/{attachment.pk}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert client.get("/residents/map/").status_code == 200


def test_photo_approval_is_scoped_and_audited(
    catalogue: None, users: dict[str, User], tree: Tree
) -> None:
    client = Client()
    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    client.post("/residents/", {**form(), "photos": [photo]})
    attachment = EventAttachment.objects.get()
    sibling = make_user("sib", Role.SUBDISTRICT_DISPATCHER, node=tree["320104002"])
    assert attachment_publish(actor=sibling, attachment_ids=[attachment.pk], approved=True) == 0
    assert (
        attachment_publish(actor=users["dispatcher"], attachment_ids=[attachment.pk], approved=True)
        == 1
    )
    assert AuditEntry.objects.filter(action="events.attachment_publish").count() == 2


def test_the_form_shows_open_public_reports_nearby_masked_and_measured_from_the_rounded_point(
    catalogue: None,
) -> None:
    """A lamp reported at latitude 31.7004 is shown on the map at 31.700, 44 m south: the
    form's "already reported" measures from there, within 100 m, so moving the pin tells no
    more than the map."""
    client = Client()
    post_report(client, lon=118.1, lat=31.7004, description="路灯不亮，回电13812345678")
    post_report(
        client,
        category="0601",
        form_key="k-2",
        lat=31.7004,
        description="群租",
        **{"extra-0601-address": "1栋101"},
    )
    lamp = Event.objects.get(category__code="0202")

    def nearby(**query: Any) -> str:
        answer = client.get("/residents/report/nearby", {"category": "0202", "lon": 118.1, **query})
        assert answer.status_code == 200
        return answer.content.decode()

    # 94 m south of the rounded point (139 m from the true one): shown.
    south = nearby(lat=31.69915)
    assert f'href="/residents/status/{lamp.number}/"' in south
    assert "路灯不亮，回电138****5678" in south
    assert "13812345678" not in south
    assert "张三" not in south
    assert "31.7004" not in south
    # 94 m north of the true point but 139 m from the rounded one: not shown.
    assert lamp.number not in nearby(lat=31.70125)
    # Not a public category, far away, or a bad point: nothing, and never an error.
    assert "群租" not in nearby(category="0601", lat=31.7)
    assert nearby(lon=118.8, lat=31.7).strip() == ""
    assert nearby(lat="north").strip() == ""
    page = client.get("/residents/").content.decode()
    assert 'hx-get="/residents/report/nearby"' in page
