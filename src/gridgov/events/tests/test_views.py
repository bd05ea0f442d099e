"""The event pages through real HTTP: report, queues with their counts, detail and commands."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Deadline, Event, EventAttachment, EventTransition
from gridgov.events.workflow import Command, Status
from gridgov.testing.images import PNG
from gridgov.testing.loop import Report, Walk, apply
from gridgov.testing.tree import HERE, THERE


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def png(name: str = "before.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


def html(response: Any) -> str:
    return str(response.content.decode())


def report_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "category_class": "04",
        "category": "0401",
        "description": "5栋楼道飞线充电",
        "lon": HERE[0],
        "lat": HERE[1],
        "extra_building": "5栋",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_pages_need_login(tree: Any) -> None:
    for url in ("/events/", "/events/report/", "/events/counts", "/events/SJ1/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# Report ---------------------------------------------------------------------------------------


def test_report_page_offers_the_catalogue_and_a_map(catalogue: None, as_user: Any) -> None:
    response = as_user("grid_worker").get("/events/report/")
    assert response.status_code == 200
    page = html(response)
    assert '<option value="04">04 ' in page
    assert 'id="report-map"' in page
    assert 'data-geojson-url="/api/v1/jurisdiction/nodes/320104001001001/geojson"' in page
    assert "leaflet/leaflet.js" in page
    assert "unpkg" not in page
    assert "cdn" not in page.lower()


@pytest.mark.parametrize("name", ["analyst", "auditor", "system_admin"])
def test_roles_that_may_not_report_get_403(catalogue: None, as_user: Any, name: str) -> None:
    assert as_user(name).get("/events/report/").status_code == 403
    assert as_user(name).post("/events/report/", report_form()).status_code == 403
    assert not Event.objects.exists()


def test_fields_partial_follows_the_chosen_class_and_subclass(
    catalogue: None, as_user: Any
) -> None:
    worker = as_user("grid_worker")
    subclasses = html(worker.get("/events/report/fields", {"category_class": "04"}))
    assert '<option value="0401">' in subclasses
    assert '<option value="0101">' not in subclasses
    assert "extra_building" not in subclasses
    fields = html(worker.get("/events/report/fields", {"category_class": "08", "category": "0801"}))
    assert 'name="extra_dispute_kind"' in fields
    assert '<option value="噪声">' in fields
    assert 'name="extra_parties"' in fields
    photo = html(worker.get("/events/report/fields", {"category": "0201"}))
    # The category's photo is asked for by the one photo field, under its label: not twice.
    assert photo.count('type="file"') == 1
    assert 'name="photos"' in photo
    assert "现场照片" in photo


def test_report_through_the_form_files_the_event(catalogue: None, as_user: Any) -> None:
    response = as_user("grid_worker").post("/events/report/", report_form(address="秦淮区小区3栋"))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.number}/"
    assert event.extra == {"building": "5栋"}
    assert event.grid is not None
    assert event.grid.code == "320104001001001"
    assert event.address == "秦淮区小区3栋"


def test_photos_are_stored_shown_and_served_in_scope(catalogue: None, as_user: Any) -> None:
    worker = as_user("grid_worker")
    response = worker.post(
        "/events/report/",
        report_form(category_class="02", category="0201", extra_building=None)
        | {"photos": [png("cover.png"), png("b.png")]},
    )
    assert response.status_code == 302, html(response)
    event = Event.objects.get()
    assert event.extra == {"photo": "cover.png"}
    photos = list(EventAttachment.objects.filter(event=event))
    assert len(photos) == 2
    page = html(worker.get(f"/events/{event.number}/"))
    url = f"/events/{event.number}/photos/{photos[0].pk}"
    assert f'<img src="{url}"' in page
    served = worker.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    with photos[0].file.open("rb") as stored:
        assert served.content == stored.read()
    assert as_user("sibling_dispatcher").get(url).status_code == 404
    assert worker.get(f"/events/{event.number}/photos/999999").status_code == 404


def test_a_file_that_is_no_photo_is_refused(catalogue: None, as_user: Any) -> None:
    fake = SimpleUploadedFile("x.png", b"MZ not an image", content_type="image/png")
    response = as_user("grid_worker").post("/events/report/", report_form() | {"photos": [fake]})
    assert response.status_code == 422
    assert 'id="id_photos-errors"' in html(response)
    assert not Event.objects.exists()
    assert not EventAttachment.objects.exists()


def test_hotline_calls_are_entered_by_dispatchers_with_the_caller_masked(
    catalogue: None, as_user: Any
) -> None:
    assert as_user("grid_worker").get("/events/hotline/").status_code == 403
    dispatcher = as_user("dispatcher")
    page = dispatcher.get("/events/hotline/")
    assert page.status_code == 200
    assert 'name="ticket"' in html(page)
    response = dispatcher.post(
        "/events/hotline/",
        report_form(ticket="12345-0001", caller_name="张三丰", caller_phone="13812345678"),
    )
    assert response.status_code == 302, html(response)
    event = Event.objects.get()
    assert (event.channel, event.hotline_ticket) == ("hotline", "12345-0001")
    assert event.caller_phone_masked == "138****5678"
    again = dispatcher.post(
        "/events/hotline/", report_form(ticket="12345-0001", caller_phone="13812345678")
    )
    assert again.status_code == 422
    assert 'id="id_ticket-errors"' in html(again)
    assert Event.objects.count() == 1
    detail = html(dispatcher.get(f"/events/{event.number}/"))
    assert "138****5678" in detail
    assert "13812345678" not in detail


def test_extra_values_keep_their_kind(catalogue: None, as_user: Any) -> None:
    response = as_user("grid_worker").post(
        "/events/report/",
        report_form(
            category_class="08",
            category="0801",
            extra_building=None,
            extra_dispute_kind="噪声",
            extra_parties="3",
        ),
    )
    assert response.status_code == 302
    assert Event.objects.get().extra == {"dispute_kind": "噪声", "parties": 3}


def test_every_problem_is_shown_beside_its_field_and_nothing_is_written(
    catalogue: None, as_user: Any
) -> None:
    response = as_user("grid_worker").post(
        "/events/report/",
        report_form(description="", lon=None, lat=None, extra_building=""),
    )
    assert response.status_code == 422
    page = html(response)
    assert 'id="id_description-errors"' in page
    assert 'id="id_extra_building-errors"' in page
    assert 'id="report-errors"' in page
    assert 'value="04" selected' in page
    assert not Event.objects.exists()
    assert not EventTransition.objects.exists()


def test_a_point_outside_the_jurisdiction_is_refused_by_the_action(
    catalogue: None, as_user: Any
) -> None:
    response = as_user("grid_worker").post(
        "/events/report/", report_form(lon=THERE[0], lat=THERE[1])
    )
    assert response.status_code == 422
    assert 'id="report-errors"' in html(response)
    assert not Event.objects.exists()


def test_a_subclass_of_another_class_is_refused(catalogue: None, as_user: Any) -> None:
    response = as_user("grid_worker").post("/events/report/", report_form(category_class="01"))
    assert response.status_code == 422
    assert 'id="id_category-errors"' in html(response)
    assert not Event.objects.exists()


# Queues ---------------------------------------------------------------------------------------


def tabs_of(page: str) -> list[str]:
    return re.findall(r'data-tab="(\w+)"', page)


@pytest.mark.parametrize(
    ("name", "tabs"),
    [
        ("grid_worker", ["mine", "to_verify", "to_evaluate", "overdue"]),
        (
            "dispatcher",
            [
                "to_register",
                "to_dispatch",
                "to_verify",
                "extensions",
                "duplicates",
                "overdue",
                "escalated",
                "supervised",
                "all",
            ],
        ),
        ("handler", ["to_accept", "in_hand", "due_soon", "overdue"]),
        ("analyst", ["all"]),
    ],
)
def test_each_role_gets_its_tabs(catalogue: None, as_user: Any, name: str, tabs: list[str]) -> None:
    response = as_user(name).get("/events/")
    assert response.status_code == 200
    assert tabs_of(html(response)) == tabs


def test_queues_link_to_whistle_and_report(walk: Walk, as_user: Any) -> None:
    assert 'id="whistle-link" href' not in html(as_user("grid_worker").get("/events/"))
    assert '<a href="/whistle/" id="whistle-link">' in html(as_user("dispatcher").get("/events/"))
    handler_page = html(as_user("handler").get("/events/"))
    assert '<a href="/whistle/summons/" id="whistle-link">' in handler_page
    event = walk(Status.REGISTERED)
    blow = f'href="/whistle/blow/{event.number}/"'
    assert blow in html(as_user("dispatcher").get(f"/events/{event.number}/"))
    assert blow not in html(as_user("commander").get(f"/events/{event.number}/"))


@pytest.mark.parametrize("name", ["auditor", "security_admin", "system_admin"])
def test_roles_without_cases_have_no_queue(catalogue: None, as_user: Any, name: str) -> None:
    assert as_user(name).get("/events/").status_code == 403
    assert as_user(name).get("/events/counts").status_code == 403


def test_an_unknown_tab_is_404(catalogue: None, as_user: Any) -> None:
    assert as_user("grid_worker").get("/events/", {"tab": "to_dispatch"}).status_code == 404


def rows(page: str) -> list[str]:
    return re.findall(r'<tr data-number="(\w+)"', page)


def test_queues_hold_what_each_role_must_do(walk: Walk, as_user: Any) -> None:
    reported = walk(Status.REPORTED)
    registered = walk(Status.REGISTERED)
    dispatched = walk(Status.DISPATCHED)
    accepted = walk(Status.ACCEPTED)
    handled = walk(Status.HANDLED)
    dispatcher, handler, worker = as_user("dispatcher"), as_user("handler"), as_user("grid_worker")
    assert rows(html(dispatcher.get("/events/"))) == [reported.number]
    assert rows(html(dispatcher.get("/events/", {"tab": "to_dispatch"}))) == [registered.number]
    assert rows(html(handler.get("/events/"))) == [dispatched.number]
    assert rows(html(handler.get("/events/", {"tab": "in_hand"}))) == [accepted.number]
    assert rows(html(worker.get("/events/", {"tab": "to_verify"}))) == [handled.number]
    assert len(rows(html(worker.get("/events/")))) == 5
    assert rows(html(as_user("sibling_dispatcher").get("/events/", {"tab": "all"}))) == []
    assert rows(html(as_user("other_handler").get("/events/"))) == []


def test_filters_and_search(walk: Walk, report: Report, as_user: Any) -> None:
    fire = walk(Status.REGISTERED)
    rubbish = report(category_code="0101", description="路边暴露垃圾", extra={})
    dispatcher = as_user("dispatcher")

    def found(**params: str) -> list[str]:
        return rows(html(dispatcher.get("/events/", {"tab": "all", **params})))

    assert found() == [rubbish.number, fire.number]
    assert found(status="registered") == [fire.number]
    assert found(category="01") == [rubbish.number]
    assert found(category="0401") == [fire.number]
    assert found(q="垃圾") == [rubbish.number]
    assert found(q=fire.number[-6:]) == [fire.number]
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert found(since=today, until=today) == [rubbish.number, fire.number]
    assert found(since=tomorrow) == []
    bad = dispatcher.get("/events/", {"tab": "all", "since": "not a date"})
    assert bad.status_code == 200
    assert rows(html(bad)) == [rubbish.number, fire.number]


def test_queue_and_detail_queries_do_not_grow_with_rows(walk: Walk, as_user: Any) -> None:
    dispatcher = as_user("dispatcher")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert dispatcher.get(url).status_code == 200
        return len(captured)

    first = walk(Status.HANDLED)
    few = queries("/events/?tab=all")
    few_steps = queries(f"/events/{first.number}/")
    for _ in range(4):
        walk(Status.ACCEPTED)
    assert queries("/events/?tab=all") == few
    second = walk(Status.CLOSED)
    assert queries(f"/events/{second.number}/") <= few_steps + 1


def test_overdue_rows_are_red_and_counted(report: Report, as_user: Any) -> None:
    late = report()
    on_time = report()
    Deadline.objects.filter(event=late).update(due_at=timezone.now() - timedelta(minutes=5))
    dispatcher = as_user("dispatcher")
    page = html(dispatcher.get("/events/"))
    assert f'<tr data-number="{late.number}" class="overdue">' in page
    assert f'<tr data-number="{on_time.number}">' in page
    assert rows(html(dispatcher.get("/events/", {"tab": "overdue"}))) == [late.number]
    counts = dispatcher.get("/events/counts", {"tab": "overdue"})
    assert counts.status_code == 200
    text = html(counts)
    assert 'hx-trigger="every 30s"' in text
    assert '<span class="count" data-count="overdue">1</span>' in text
    assert '<span class="count" data-count="to_register">2</span>' in text
    assert "<html" not in text


# Detail and commands --------------------------------------------------------------------------


def test_detail_shows_card_timeline_and_the_users_commands(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REGISTERED)
    response = as_user("dispatcher").get(f"/events/{event.number}/")
    assert response.status_code == 200
    page = html(response)
    assert event.category.name in page
    assert "320104001001001" in page
    assert page.count('data-command="report"') == 1
    assert page.count('data-command="register"') == 1
    assert '<details data-command="dispatch"' in page
    assert '<option value="department:320104-fire">' in page
    assert '<option value="node:320104001001001">' in page
    assert '<option value="node:320104001">' not in page
    assert f'name="version" value="{event.version}"' in page
    worker_page = html(as_user("grid_worker").get(f"/events/{event.number}/"))
    assert '<details data-command="register"' not in worker_page
    assert '<details data-command="dispatch"' not in worker_page


@pytest.mark.parametrize("name", ["sibling_dispatcher", "sibling_commander", "other_handler"])
def test_detail_of_someone_elses_event_is_404(walk: Walk, as_user: Any, name: str) -> None:
    event = walk(Status.DISPATCHED)
    assert as_user(name).get(f"/events/{event.number}/").status_code == 404
    answer = as_user(name).post(
        f"/events/{event.number}/commands/accept", {"version": event.version}
    )
    assert answer.status_code == 404
    event.refresh_from_db()
    assert event.status == Status.DISPATCHED


def test_a_command_the_role_may_not_give_is_403(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REPORTED)
    answer = as_user("grid_worker").post(
        f"/events/{event.number}/commands/register", {"version": event.version}
    )
    assert answer.status_code == 403
    event.refresh_from_db()
    assert event.status == Status.REPORTED


def test_a_stale_version_says_someone_else_changed_it(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REPORTED)
    dispatcher = as_user("dispatcher")
    url = f"/events/{event.number}/commands/register"
    assert dispatcher.post(url, {"version": event.version}).status_code == 302
    again = dispatcher.post(
        f"/events/{event.number}/commands/reject", {"version": event.version, "reason": "重复"}
    )
    assert again.status_code == 409
    assert 'id="command-errors" data-stale="true"' in html(again)
    event.refresh_from_db()
    assert event.status == Status.REGISTERED


def test_a_missing_reason_is_shown_in_the_commands_form(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REPORTED)
    answer = as_user("dispatcher").post(
        f"/events/{event.number}/commands/reject", {"version": event.version}
    )
    assert answer.status_code == 422
    assert '<details data-command="reject" open>' in html(answer)
    event.refresh_from_db()
    assert event.status == Status.REPORTED


def test_an_unknown_command_or_missing_version_is_422(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REPORTED)
    dispatcher = as_user("dispatcher")
    assert (
        dispatcher.post(f"/events/{event.number}/commands/fly", {"version": 1}).status_code == 422
    )
    assert dispatcher.post(f"/events/{event.number}/commands/register", {}).status_code == 422
    assert dispatcher.get(f"/events/{event.number}/commands/register").status_code == 302


def test_the_full_loop_through_the_forms(catalogue: None, as_user: Any) -> None:
    worker, dispatcher, handler = (
        as_user("grid_worker"),
        as_user("dispatcher"),
        as_user("handler"),
    )
    assert worker.post("/events/report/", report_form()).status_code == 302
    event = Event.objects.get()

    def step(client: Client, command: str, **fields: Any) -> None:
        event.refresh_from_db()
        page = html(client.get(f"/events/{event.number}/"))
        assert f'<details data-command="{command}"' in page, command
        answer = client.post(
            f"/events/{event.number}/commands/{command}", {"version": event.version, **fields}
        )
        assert answer.status_code == 302, html(answer)

    step(dispatcher, "register", note="立案")
    step(dispatcher, "dispatch", target="department:320104-fire")
    step(handler, "return", reason="非本部门职责")
    step(dispatcher, "dispatch", target="department:320104-fire", note="再派")
    step(handler, "accept")
    step(handler, "handle", note="已拆除飞线", photos=[png("after.png")])
    step(worker, "rework", reason="仍有飞线")
    step(handler, "handle", note="已彻底拆除")
    step(worker, "verify", note="现场核查通过")
    step(dispatcher, "close")
    step(dispatcher, "evaluate", score="4")
    event.refresh_from_db()
    assert event.status == Status.EVALUATED
    assert event.rating == 4
    assert event.rework_count == 1
    timeline = html(worker.get(f"/events/{event.number}/"))
    assert timeline.count("<li data-command=") == 12
    assert "仍有飞线" in timeline
    after = EventAttachment.objects.get(event=event)
    assert after.transition is not None
    assert after.transition.command == "handle"
    assert f'/events/{event.number}/photos/{after.pk}"' in timeline


def test_merge_escalate_and_supervise_through_the_forms(report: Report, as_user: Any) -> None:
    first, second = report(), report()
    dispatcher = as_user("dispatcher")
    page = html(dispatcher.get(f"/events/{second.number}/"))
    assert f'<option value="{first.number}">' in page
    merged = dispatcher.post(
        f"/events/{second.number}/commands/merge",
        {"version": second.version, "master": first.number},
    )
    assert merged.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.MERGED
    assert second.master == first
    worker = as_user("grid_worker")
    escalated = worker.post(
        f"/events/{first.number}/commands/escalate",
        {"version": first.version, "reason": "超出网格处置能力"},
    )
    assert escalated.status_code == 302, html(escalated)
    first.refresh_from_db()
    assert first.owner.code == "320104001001"
    supervised = dispatcher.post(
        f"/events/{first.number}/commands/supervise",
        {"version": first.version, "reason": "群众反映强烈"},
    )
    assert supervised.status_code == 302
    assert 'id="supervised"' in html(dispatcher.get(f"/events/{first.number}/"))


def test_dispatch_to_the_grid_through_the_form(walk: Walk, as_user: Any) -> None:
    event = walk(Status.REGISTERED)
    answer = as_user("dispatcher").post(
        f"/events/{event.number}/commands/dispatch",
        {"version": event.version, "target": "node:320104001001001"},
    )
    assert answer.status_code == 302
    event.refresh_from_db()
    assert event.owner.code == "320104001001001"
    assert event.assigned_department is None
    page = html(as_user("grid_worker").get(f"/events/{event.number}/"))
    assert '<details data-command="accept"' in page
    bad = as_user("dispatcher").post(
        f"/events/{event.number}/commands/reject", {"version": event.version, "target": "x"}
    )
    assert bad.status_code == 422


def test_the_timeline_names_departments_and_levels(
    report: Report, loop_users: dict[str, User], as_user: Any
) -> None:
    event = report()
    event = apply(loop_users, event, Command.ESCALATE)
    event = apply(loop_users, event, Command.REGISTER)
    event = apply(loop_users, event, Command.DISPATCH, payload={"department": "320104-fire"})
    event = apply(loop_users, event, Command.ACCEPT)
    apply(loop_users, event, Command.REQUEST_EXTENSION, payload={"amount": 2, "unit": "day"})
    page = html(as_user("commander").get(f"/events/{event.number}/"))
    assert "部门: 秦淮区消防救援大队" in page
    assert "升级至: 秦淮区北街道一社区" in page
    assert "申请延期: 2 个工作日" in page
    for code in ("320104-fire", "升级至: 320104", "单元: day"):
        assert code not in page


def test_the_form_shows_open_reports_nearby_before_reporting(report: Report, as_user: Any) -> None:
    earlier = report()
    worker = as_user("grid_worker")
    near = {"category": "0401", "lon": HERE[0] + 0.0002, "lat": HERE[1]}
    shown = html(worker.get("/events/report/nearby", near))
    assert earlier.number in shown
    elsewhere = html(worker.get("/events/report/nearby", {**near, "lon": HERE[0] + 0.01}))
    assert earlier.number not in elsewhere
    other = html(worker.get("/events/report/nearby", {**near, "category": "0202"}))
    assert earlier.number not in other
    assert html(worker.get("/events/report/nearby", {"category": "0401"})).strip() == ""
    page = html(worker.get("/events/report/"))
    assert 'hx-get="/events/report/nearby"' in page


def test_photos_sent_with_a_form_that_comes_back_are_kept(catalogue: None, as_user: Any) -> None:
    worker = as_user("grid_worker")
    first = worker.post(
        "/events/report/", report_form(description="") | {"photos": [png("kept.png")]}
    )
    assert first.status_code == 422
    page = html(first)
    assert 'id="kept-photos"' in page
    kept = re.search(r'name="kept_photos" value="([^"]+)"', page)
    assert kept is not None
    # Another account cannot use the list: it is signed for its owner.
    other = as_user("community_staff").post(
        "/events/report/", report_form() | {"kept_photos": kept.group(1)}
    )
    assert (
        EventAttachment.objects.filter(event__number=other["Location"].split("/")[2]).count() == 0
    )
    again = worker.post("/events/report/", report_form() | {"kept_photos": kept.group(1)})
    assert again.status_code == 302
    event = Event.objects.get(number=again["Location"].split("/")[2])
    [photo] = EventAttachment.objects.filter(event=event)
    assert photo.name == "kept.png"
    assert photo.file.read() == PNG
