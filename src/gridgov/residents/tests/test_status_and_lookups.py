"""What issue 12 added to the public side: the report's timeline with the department's masked
reply and approved after-photos, address suggestions with their points, and the grid's posted
staff for an address — never anything private."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.addresses.tests.factories import TARGET_TEXT, make_target_address
from gridgov.departments.models import Department
from gridgov.events.actions.attachments import attachment_publish
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Event, EventAttachment
from gridgov.events.workflow import Command
from gridgov.staffing.actions import staff_create
from gridgov.staffing.models import StaffKind
from gridgov.testing.images import PNG
from gridgov.testing.tree import HERE, Tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.django_db


def _file(client: Client) -> tuple[Event, str]:
    answer = client.post(
        "/residents/",
        {
            "category": "0103",
            "description": "电线杆上贴满小广告",
            "lon": HERE[0],
            "lat": HERE[1],
            "contact_name": "张三",
            "contact_phone": "13812345678",
            "consent": "on",
            "form_key": "k-timeline",
        },
    )
    page = client.get(answer["Location"]).content.decode()
    link = re.search(r'id="status-link"[^>]*>([^<]+)<', page)
    assert link, page
    number = answer["Location"].split("/")[-2]
    return Event.objects.get(number=number), link.group(1).replace("&amp;", "&")


def _step(event: Event, actor: User, command: Command, **extra: Any) -> Event:
    return event_apply(
        actor=actor, event_id=event.pk, command=command, expected_version=event.version, **extra
    )


def test_the_timeline_shows_each_state_the_masked_reply_and_approved_after_photos(
    catalogue: None, users: dict[str, User], tree: Tree
) -> None:
    event, link = _file(Client())
    urban = Department.objects.create(
        code="320104-urban", name="秦淮区城市管理局", node=tree["320104"]
    )
    handler = make_user("uh", Role.DEPARTMENT_HANDLER, department=urban)
    event = _step(event, users["dispatcher"], Command.REGISTER)
    event = _step(event, users["dispatcher"], Command.DISPATCH,
                  payload={"department": "320104-urban"})  # fmt: skip
    event = _step(event, users["dispatcher"], Command.SUPERVISE, reason="领导督办：张三家门口")
    event = _step(event, handler, Command.ACCEPT)
    after = [SimpleUploadedFile(f"after{i}.png", PNG, content_type="image/png") for i in (1, 2)]
    event = _step(event, handler, Command.HANDLE,
                  note="已清除小广告，张三可拨13912345678回访", photos=after)  # fmt: skip
    approved, hidden = EventAttachment.objects.filter(transition__command="handle").order_by("id")
    attachment_publish(actor=users["dispatcher"], attachment_ids=[approved.pk], approved=True)

    text = Client().get(link).content.decode()
    timeline = text[text.index('id="report-timeline"') :]
    steps = re.findall(r'<p class="step-text">([^<]+)</p>', timeline)
    assert steps == ["已收到上报。", "已立案。", "已交由秦淮区城市管理局办理。",
                     "秦淮区城市管理局已受理。", "秦淮区城市管理局已反馈办理完毕。"]  # fmt: skip
    # The reply is public with the phone and the caller's name masked; supervision's reason,
    # the staff's own business, is nowhere.
    assert "已清除小广告，张*可拨139****5678回访" in timeline
    assert "13912345678" not in text
    assert "领导督办" not in text
    assert f"/residents/photos/{approved.pk}" in timeline
    assert f"/residents/photos/{hidden.pk}" not in text
    # The number alone shows the same public timeline.
    public = Client().get(f"/residents/status/{event.number}/").content.decode()
    assert "秦淮区城市管理局已反馈办理完毕。" in public


def test_address_suggestions_carry_the_point_and_need_four_characters(
    catalogue: None, tree: Tree
) -> None:
    address = make_target_address()
    answer = Client().get("/residents/addresses.json", {"q": TARGET_TEXT})
    assert answer.status_code == 200
    first = answer.json()["suggestions"][0]
    assert (first["code"], first["lon"], first["lat"]) == (address.code, address.lon, address.lat)
    # As the matcher writes it, with its district.
    assert first["label"].endswith(address.label)
    assert Client().get("/residents/addresses.json", {"q": "目标"}).json() == {"suggestions": []}


def test_address_suggestions_are_limited_per_address(
    catalogue: None, tree: Tree, settings: Any
) -> None:
    settings.RESIDENT_ADDRESS_LOOKUPS_PER_HOUR = 2
    client = Client()
    for _ in range(2):
        assert client.get("/residents/addresses.json", {"q": TARGET_TEXT}).status_code == 200
    assert client.get("/residents/addresses.json", {"q": TARGET_TEXT}).status_code == 429


def test_my_grid_worker_shows_the_posted_staff_and_their_duty_phone_only(
    catalogue: None, users: dict[str, User], tree: Tree
) -> None:
    make_target_address()
    grid = tree["320104001001001"]
    common: dict[str, Any] = {
        "actor": users["community_staff"],
        "home_node": tree["320104001001"],
        "grids": [grid],
    }
    staff_create(name="王芳", kind=StaffKind.FULL_TIME, work_phone="025-86001234", **common)
    staff_create(name="李强", kind=StaffKind.GRID_LEADER, work_phone="025-86000001", **common)
    staff_create(name="赵志愿", kind=StaffKind.VOLUNTEER, **common)
    page = Client().get("/residents/grid-worker/", {"address": TARGET_TEXT})
    assert page.status_code == 200
    text = page.content.decode()
    card = text[text.index('id="grid-worker-card"') :]
    assert grid.name in card
    assert card.index("李强") < card.index("王芳")
    assert "025-86001234" in card
    assert "025-86000001" in card
    assert "赵志愿" not in card
    unknown = Client().get("/residents/grid-worker/", {"address": "不存在路1号"})
    assert unknown.status_code == 404
    assert 'id="grid-worker-error"' in unknown.content.decode()
    assert Client().get("/residents/grid-worker/").status_code == 200
    assert Client().get("/residents/grid-worker/", {"address": ""}).status_code == 422
