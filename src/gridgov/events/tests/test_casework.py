"""Case work beside the loop (issue 12 item 7): comments with @mentions that notify, reply
templates, the default department named, kept filters, bulk register and dispatch, the due time."""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

import pytest
from django.test import Client

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.events.actions.catalogue import reply_templates_load
from gridgov.events.models import Category, Event, EventComment, ReplyTemplate, SavedFilter
from gridgov.events.workflow import Status
from gridgov.notifications.models import InboxItem
from gridgov.testing.loop import Report, Walk

API = "/api/v1/casework"


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def page(response: Any) -> str:
    return str(response.content.decode())


def inbox(user: User) -> list[str]:
    return list(InboxItem.objects.filter(recipient=user).values_list("notice__title", flat=True))


def test_a_comment_tells_the_department_it_names_and_moves_nothing(
    report: Report, loop_users: dict[str, User], as_user: Any
) -> None:
    event = report()
    response = as_user("dispatcher").post(
        f"/events/{event.number}/comments", {"body": "@秦淮区城市管理局请协助核实充电桩产权"}
    )
    assert response.status_code == 302
    comment = EventComment.objects.get(event=event)
    assert [d.name for d in comment.mentions.all()] == ["秦淮区城市管理局"]
    assert any(event.number in title for title in inbox(loop_users["other_handler"]))
    assert inbox(loop_users["handler"]) == []
    event.refresh_from_db()
    assert (event.status, event.version) == (Status.REPORTED, 1)
    assert AuditEntry.objects.filter(action="events.comment_add").count() == 1
    shown = page(as_user("dispatcher").get(f"/events/{event.number}/"))
    assert "内部意见" in shown
    assert "请协助核实充电桩产权" in shown
    assert "已通知" in shown


def test_a_mention_of_no_serving_department_is_refused_and_nothing_is_written(
    report: Report, as_user: Any
) -> None:
    event = report()
    response = as_user("dispatcher").post(
        f"/events/{event.number}/comments", {"body": "请@鼓楼区城管局协助"}
    )
    assert response.status_code == 422
    assert "没有名为“鼓楼区城管局协助”的部门服务此事件所在地" in page(response)
    assert "请@鼓楼区城管局协助" in page(response)
    api = as_user("dispatcher").post(
        f"{API}/events/{event.number}/comments",
        {"body": "   "},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["code"]) == (422, "required")
    assert not EventComment.objects.exists()


@pytest.mark.parametrize(("name", "status"), [("sibling_dispatcher", 404), ("system_admin", 403)])
def test_only_staff_who_see_the_event_may_comment(
    report: Report, as_user: Any, name: str, status: int
) -> None:
    event = report()
    response = as_user(name).post(
        f"{API}/events/{event.number}/comments", {"body": "x"}, content_type="application/json"
    )
    assert response.status_code == status
    assert not EventComment.objects.exists()


def test_the_api_lists_comments_with_the_departments_told(report: Report, as_user: Any) -> None:
    event = report()
    client = as_user("handler")
    created = client.post(
        f"{API}/events/{event.number}/comments",
        {"body": "@秦淮区消防救援大队 @秦淮区城市管理局 现场需两部门联合处置"},
        content_type="application/json",
    )
    assert created.status_code == 404  # not dispatched to the brigade yet: not theirs to see
    created = as_user("community_staff").post(
        f"{API}/events/{event.number}/comments",
        {"body": "@秦淮区消防救援大队 @秦淮区城市管理局 现场需两部门联合处置"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert sorted(created.json()["mentions"]) == ["秦淮区城市管理局", "秦淮区消防救援大队"]
    listed = as_user("dispatcher").get(f"{API}/events/{event.number}/comments").json()
    assert [c["body"] for c in listed] == [created.json()["body"]]


def test_reply_templates_of_the_category_come_first_and_fill_the_note(
    walk: Walk, as_user: Any
) -> None:
    event = walk(Status.REGISTERED)
    ReplyTemplate.objects.create(title="通用答复", body="已转交相关部门办理。")
    ReplyTemplate.objects.create(
        category=Category.objects.get(code="0401"), title="飞线充电", body="已现场劝导拆除飞线。"
    )
    ReplyTemplate.objects.create(title="停用的", body="x", active=False)
    listed = as_user("dispatcher").get(f"{API}/events/{event.number}/reply-templates").json()
    assert [t["title"] for t in listed] == ["飞线充电", "通用答复"]
    shown = page(as_user("dispatcher").get(f"/events/{event.number}/"))
    assert 'class="reply-template" data-target="note-dispatch"' in shown
    assert "插入常用回复" in shown
    assert "停用的" not in shown


def test_the_dispatch_form_names_the_default_department_and_the_due_time(
    walk: Walk, as_user: Any
) -> None:
    event = walk(Status.REGISTERED)
    shown = page(as_user("dispatcher").get(f"/events/{event.number}/"))
    assert "秦淮区消防救援大队（分类默认部门）" in shown
    assert 'id="due-now"' in shown
    assert "派遣截止" in shown


def test_a_kept_filter_is_the_owners_alone(loop_users: dict[str, User], as_user: Any) -> None:
    client = as_user("dispatcher")
    response = client.post(
        "/events/filters/",
        {"name": "飞线充电待派", "query": "tab=to_dispatch&category=0401&page=3&evil=1"},
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(owner=loop_users["dispatcher"])
    assert saved.query == "category=0401&tab=to_dispatch"
    queue = page(client.get("/events/?tab=to_dispatch"))
    assert "飞线充电待派" in queue
    assert "保留此筛选" in queue
    other = as_user("commander")
    assert "飞线充电待派" not in page(other.get("/events/?tab=all"))
    assert other.post(f"/events/filters/{saved.pk}/delete").status_code == 404
    assert other.delete(f"{API}/saved-filters/{saved.pk}").status_code == 404
    assert other.get(f"{API}/saved-filters").json() == []
    assert client.post(f"/events/filters/{saved.pk}/delete").status_code == 302
    assert not SavedFilter.objects.exists()


def test_a_filter_needs_a_name_and_something_to_keep(as_user: Any) -> None:
    client = as_user("dispatcher")
    bad = client.post(
        f"{API}/saved-filters", {"name": "", "query": "tab=all"}, content_type="application/json"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_name")
    empty = client.post(
        f"{API}/saved-filters", {"name": "空", "query": "page=2"}, content_type="application/json"
    )
    assert (empty.status_code, empty.json()["code"]) == (422, "empty_filter")
    assert not SavedFilter.objects.exists()


def test_bulk_register_reports_the_stale_one_and_keeps_the_others(
    report: Report, as_user: Any
) -> None:
    first, second, stale = report(), report(), report()
    client = as_user("dispatcher")
    queue = page(client.get("/events/?tab=to_register"))
    assert f'value="{first.number}:1"' in queue
    assert "立案所选事件" in queue
    response = client.post(
        "/events/bulk",
        {
            "tab": "to_register",
            "command": "register",
            "events": [f"{first.number}:1", f"{second.number}:1", f"{stale.number}:9"],
        },
        follow=True,
    )
    shown = page(response)
    assert f"{stale.number}" in shown
    statuses = dict(Event.objects.values_list("number", "status"))
    assert statuses[first.number] == statuses[second.number] == Status.REGISTERED
    assert statuses[stale.number] == Status.REPORTED


def test_bulk_dispatch_sends_each_to_its_category_department(
    walk: Walk, loop_users: dict[str, User], as_user: Any
) -> None:
    events = [walk(Status.REGISTERED) for _ in range(2)]
    answer = as_user("dispatcher").post(
        f"{API}/bulk",
        {
            "command": "dispatch",
            "events": [{"number": e.number, "version": e.version} for e in events],
            "note": "请尽快处置",
        },
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert [o["done"] for o in answer.json()] == [True, True]
    for event in events:
        event.refresh_from_db()
        assert event.status == Status.DISPATCHED
        assert event.assigned_department == loop_users["handler"].department


def test_bulk_refuses_commands_that_need_a_word_per_event(walk: Walk, as_user: Any) -> None:
    event = walk(Status.DISPATCHED)
    answer = as_user("handler").post(
        f"{API}/bulk",
        {"command": "return", "events": [{"number": event.number, "version": event.version}]},
        content_type="application/json",
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "bulk_command")


def test_a_sibling_bulk_moves_nothing_and_names_nothing(report: Report, as_user: Any) -> None:
    event = report()
    answer = as_user("sibling_dispatcher").post(
        f"{API}/bulk",
        {"command": "register", "events": [{"number": event.number, "version": 1}]},
        content_type="application/json",
    )
    assert [(o["done"], o["code"]) for o in answer.json()] == [(False, "event_not_found")]
    assert json.dumps(answer.json()).count(event.description) == 0
    event.refresh_from_db()
    assert event.status == Status.REPORTED


def test_bulk_boxes_only_where_the_user_may_give_the_command(report: Report, as_user: Any) -> None:
    event = report()
    apply_free = page(as_user("commander").get("/events/?tab=all"))
    assert 'name="events"' not in apply_free
    assert f'value="{event.number}:1"' in page(
        as_user("dispatcher").get("/events/?tab=to_register")
    )


def test_the_shipped_reply_templates_load_once_and_keep_an_administrators_edit(
    catalogue: None,
) -> None:
    source = importlib.resources.files("gridgov.events.data") / "reply_templates.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    assert reply_templates_load(actor=None, data=data) == len(data["templates"])
    edited = ReplyTemplate.objects.get(title="飞线已拆除")
    edited.body = "管理员改过的文字"
    edited.save()
    assert reply_templates_load(actor=None, data=data) == 0
    edited.refresh_from_db()
    assert edited.body == "管理员改过的文字"
    assert edited.category is not None
    assert edited.category.code == "0401"


def test_bulk_is_refused_whole_to_a_role_without_the_command(report: Report, as_user: Any) -> None:
    event = report()
    answer = as_user("grid_worker").post(
        f"{API}/bulk",
        {"command": "register", "events": [{"number": event.number, "version": 1}]},
        content_type="application/json",
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "command_forbidden")
    event.refresh_from_db()
    assert event.status == Status.REPORTED
