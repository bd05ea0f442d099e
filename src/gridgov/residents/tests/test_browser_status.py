"""A resident on a 390×844 phone follows a report as on FixMyStreet: the timeline of its states
with the department's reply and its approved after-photo, rating with large controls; the
public map lists the reports beside it and clusters those at one spot; a typed address moves
the pin through the address library's suggestions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.addresses.tests.factories import TARGET_TEXT, make_target_address
from gridgov.departments.models import Department
from gridgov.events.actions.attachments import attachment_publish
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Event, EventAttachment
from gridgov.events.workflow import Command
from gridgov.residents.tests.test_browser_report import report_at
from gridgov.testing.browser import AFTER, PHONE, SHOTS
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def phone(live_server: Any, transactional_db: Any, browser: Browser, settings: Any, tmp_path: Any):
    settings.MEDIA_ROOT = tmp_path
    catalogue_load(actor=None, data=default_catalogue())
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/residents/")
    yield page
    context.close()


def _work_it_through(number: str, tree: Any) -> None:
    """The loop as staff would run it: registered, dispatched to the city-management bureau,
    taken up, handled with a reply and two after-photos of which staff approve one, checked on
    site and closed."""
    dispatcher = make_user("sd", Role.SUBDISTRICT_DISPATCHER, node=tree["320104001"])
    urban = Department.objects.create(
        code="320104-urban", name="秦淮区城市管理局", node=tree["320104"]
    )
    handler = make_user("uh", Role.DEPARTMENT_HANDLER, department=urban)
    event = Event.objects.get(number=number)
    steps: list[tuple[User, Command, dict[str, Any]]] = [
        (dispatcher, Command.REGISTER, {}),
        (dispatcher, Command.DISPATCH, {"payload": {"department": urban.code}}),
        (handler, Command.ACCEPT, {}),
        (handler, Command.HANDLE, {
            "note": "已清除小广告，回访电话13912345678",
            "photos": [SimpleUploadedFile(f"after{i}.png", AFTER, content_type="image/png")
                       for i in (1, 2)],
        }),
    ]  # fmt: skip
    for actor, command, extra in steps:
        event = event_apply(
            actor=actor, event_id=event.pk, command=command, expected_version=event.version, **extra
        )
    first = EventAttachment.objects.filter(transition__command="handle").order_by("id").first()
    assert first is not None
    attachment_publish(actor=dispatcher, attachment_ids=[first.pk], approved=True)
    worker = make_user("gw", Role.GRID_WORKER, node=tree["320104001001002"])
    for actor, command in [(worker, Command.VERIFY), (dispatcher, Command.CLOSE)]:
        event = event_apply(
            actor=actor, event_id=event.pk, command=command, expected_version=event.version
        )


@pytest.mark.browser
def test_the_reporter_follows_the_timeline_and_rates_on_a_phone(
    live_server: Any, phone: Page
) -> None:
    page = phone
    tree = build_tree()
    number = report_at(page, "0103", "电线杆上贴满小广告")
    link = page.locator("#status-link").get_attribute("href")
    assert link
    _work_it_through(number, tree)

    page.goto(link)
    timeline = page.locator("#report-timeline")
    expect(timeline.locator(".step-text")).to_have_text([
        "已收到上报。", "已立案。", "已交由秦淮区城市管理局办理。", "秦淮区城市管理局已受理。",
        "秦淮区城市管理局已反馈办理完毕。", "已现场核查。", "已结案。",
    ])  # fmt: skip
    expect(timeline.locator(".reply")).to_contain_text("已清除小广告，回访电话139****5678")
    expect(timeline.locator(".thumbs.after img")).to_have_count(1)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    # Five targets a thumb can hit.
    scores = page.locator("#scores label.score")
    expect(scores).to_have_count(5)
    box = scores.nth(3).bounding_box()
    assert box is not None
    assert box["height"] >= 44
    assert box["width"] >= 44
    page.screenshot(path=SHOTS / "residents_timeline.png", full_page=True)
    scores.nth(3).click()
    page.click("#rate-form button[type=submit]")
    expect(page.locator("p.card.ok")).to_be_visible()
    assert Event.objects.get(number=number).rating == 4


@pytest.mark.browser
def test_the_public_map_lists_the_reports_and_clusters_one_spot(
    live_server: Any, phone: Page
) -> None:
    page = phone
    build_tree()
    client = Client()
    for i in range(3):
        answer = client.post("/residents/", {
            "category": "0103", "description": f"第{i}处小广告", "lon": 118.201, "lat": 31.801,
            "consent": "on", "form_key": f"k-map-{i}",
        })  # fmt: skip
        assert answer.status_code == 302
    page.goto(f"{live_server.url}/residents/map/")
    expect(page.locator("#public-map")).to_have_attribute("data-reports", "3")
    items = page.locator("#report-list li")
    expect(items).to_have_count(3)
    expect(page.locator("#public-map .marker-cluster span")).to_have_text("3")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    items.first.locator("button").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("小广告")
    page.screenshot(path=SHOTS / "residents_public_map.png", full_page=True)


@pytest.mark.browser
def test_a_typed_address_moves_the_pin(live_server: Any, phone: Page) -> None:
    page = phone
    build_tree()
    address = make_target_address()
    page.goto(f"{live_server.url}/residents/")
    expect(page.locator("#resident-map")).to_have_attribute("data-outline", "true")
    page.locator("#id_address").press_sequentially(TARGET_TEXT)
    suggestion = page.locator("#address-suggestions button").first
    expect(suggestion).to_contain_text(address.label)
    suggestion.click()
    expect(page.locator("#point-chosen")).to_be_visible()
    assert float(page.input_value("#id_lon")) == pytest.approx(address.lon)
    assert float(page.input_value("#id_lat")) == pytest.approx(address.lat)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
