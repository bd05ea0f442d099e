"""The inbox: what the loop's steps put there, once, for whom, and how it is read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Deadline
from gridgov.events.notices import deadline_notices
from gridgov.events.workflow import Command, Stage, Status
from gridgov.notifications.actions import notice_send
from gridgov.notifications.models import InboxItem, Kind, Notice
from gridgov.testing.loop import Walk, apply
from gridgov.whistle.actions import whistle_blow

pytestmark = pytest.mark.django_db


def kinds_of(user: User) -> list[str]:
    return list(
        InboxItem.objects.filter(recipient=user)
        .values_list("notice__kind", flat=True)
        .order_by("id")
    )


def test_a_dispatch_reaches_the_departments_inbox_once(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = walk(Status.DISPATCHED)
    assert kinds_of(loop_users["handler"]) == [Kind.DISPATCHED]
    notice = Notice.objects.get(kind=Kind.DISPATCHED)
    assert event.number in notice.title
    assert notice.title.startswith("事件")
    assert notice.link == f"/events/{event.number}/"
    # Nobody else: not the other department, not the dispatcher who sent it.
    assert kinds_of(loop_users["other_handler"]) == []
    assert kinds_of(loop_users["dispatcher"]) == []


def test_a_return_reaches_the_dispatching_level(walk: Walk, loop_users: dict[str, User]) -> None:
    walk(Status.RETURNED)
    assert kinds_of(loop_users["dispatcher"]) == [Kind.RETURNED]
    assert kinds_of(loop_users["sibling_dispatcher"]) == []


def test_the_same_key_is_told_once() -> None:
    first = notice_send(kind=Kind.BROADCAST, key="k1", title="一", recipients=[])
    again = notice_send(kind=Kind.BROADCAST, key="k1", title="二", recipients=[])
    assert first.pk == again.pk
    assert Notice.objects.get().title == "一"


@transaction.atomic
def send_and_fail(user: User) -> None:
    notice_send(kind=Kind.BROADCAST, key="k2", title="x", recipients=[user.pk])
    raise RuntimeError("rolled back")


def test_a_rolled_back_change_tells_nobody(users: dict[str, User]) -> None:
    with pytest.raises(RuntimeError):
        send_and_fail(users["dispatcher"])
    assert not Notice.objects.exists()
    assert not InboxItem.objects.exists()


def test_a_whistle_summons_each_departments_handlers(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = apply(loop_users, walk(Status.REPORTED), Command.REGISTER)
    whistle_blow(
        actor=loop_users["dispatcher"],
        event_number=event.number,
        reason="several_departments",
        department_codes=["320104-fire", "320104-urban"],
    )
    assert kinds_of(loop_users["handler"]) == [Kind.SUMMONED]
    assert kinds_of(loop_users["other_handler"]) == [Kind.SUMMONED]


def test_due_soon_and_overdue_are_told_once_each(walk: Walk, loop_users: dict[str, User]) -> None:
    event = walk(Status.DISPATCHED)
    handle = Deadline.objects.get(event=event, stage=Stage.HANDLE, ended_at__isnull=True)
    now = timezone.now()
    Deadline.objects.filter(pk=handle.pk).update(due_at=now + timedelta(minutes=30))
    assert deadline_notices(now) == 1
    assert deadline_notices(now) == 0
    Deadline.objects.filter(pk=handle.pk).update(due_at=now - timedelta(minutes=1))
    assert deadline_notices(now) == 1
    assert deadline_notices(now + timedelta(minutes=5)) == 0
    assert kinds_of(loop_users["handler"]) == [Kind.DISPATCHED, Kind.DUE_SOON, Kind.OVERDUE]
    assert "超时" in Notice.objects.get(kind=Kind.OVERDUE).title


def test_the_inbox_page_counts_opens_and_marks_read(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    event = walk(Status.DISPATCHED)
    client = login(Client(), loop_users["handler"])
    page = client.get("/notifications/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "收件箱" in body
    assert event.number in body
    assert "1 条未读" in body
    # The header's count, from the context processor, on any page.
    assert client.get("/notifications/").context["inbox_unread"] == 1
    item = InboxItem.objects.get(recipient=loop_users["handler"])
    opened = client.post(f"/notifications/{item.pk}/open/")
    assert opened.status_code == 302
    assert opened["Location"] == f"/events/{event.number}/"
    item.refresh_from_db()
    assert item.read_at is not None
    assert client.get("/notifications/").context["inbox_unread"] == 0
    # Another account's item is not found, and opening needs a POST.
    other = login(Client(), loop_users["other_handler"])
    assert other.post(f"/notifications/{item.pk}/open/").status_code == 404
    assert client.get(f"/notifications/{item.pk}/open/").status_code == 405


def test_mark_all_read(users: dict[str, User]) -> None:
    me = users["dispatcher"]
    for n in range(3):
        notice_send(kind=Kind.BROADCAST, key=f"b{n}", title=f"通知{n}", recipients=[me.pk])
    client = login(Client(), me)
    response = client.post("/notifications/read-all/", follow=True)
    assert "3 条通知已标为已读" in response.content.decode()
    assert not InboxItem.objects.filter(read_at__isnull=True).exists()


def test_the_api_lists_counts_and_marks_read(users: dict[str, User], client_for: Any) -> None:
    me, other = users["dispatcher"], users["commander"]
    for n in range(2):
        notice_send(kind=Kind.BROADCAST, key=f"a{n}", title=f"公告{n}", recipients=[me.pk])
    notice_send(kind=Kind.BROADCAST, key="o", title="别人的", recipients=[other.pk])
    client = client_for("dispatcher")
    listed = client.get("/api/v1/notifications/inbox").json()
    assert listed["count"] == 2
    assert {i["title"] for i in listed["items"]} == {"公告0", "公告1"}
    assert listed["items"][0]["kind_label"] == "公告"
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 2}
    first = listed["items"][0]["id"]
    foreign = InboxItem.objects.get(recipient=other).pk
    marked = client.post(
        "/api/v1/notifications/inbox/read",
        {"ids": [first, foreign]},
        content_type="application/json",
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}
    assert InboxItem.objects.get(pk=foreign).read_at is None
    assert client.get("/api/v1/notifications/inbox?unread=true").json()["count"] == 1


def test_a_broadcast_reaches_the_jurisdiction_only(users: dict[str, User], client_for: Any) -> None:
    response = client_for("dispatcher").post(
        "/api/v1/notifications/broadcasts",
        {"title": "防汛值班通知", "body": "今晚全员在岗"},
        content_type="application/json",
    )
    assert response.status_code == 201
    reached = set(InboxItem.objects.values_list("recipient__username", flat=True))
    assert reached == {"gw", "cs"}
    assert response.json()["recipients"] == 2
    refused = client_for("grid_worker").post(
        "/api/v1/notifications/broadcasts", {"title": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    empty = client_for("commander").post(
        "/api/v1/notifications/broadcasts", {"title": " "}, content_type="application/json"
    )
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "title"
