"""The event loop in a real browser, three people at once: a grid worker reports on the map,
the subdistrict dispatcher registers and dispatches, the fire brigade accepts and handles, the
grid worker verifies and the dispatcher closes. Each works in their own browser context, as
each would on their own phone or desk.

Drives Debian's chromium through Playwright against pytest-django's live server, with no tile
layer, as on an offline government intranet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gridgov.events.models import Event, EventAttachment
from gridgov.events.workflow import Status
from gridgov.testing.browser import AFTER, BEFORE, PHONE, SHOTS, browser, people, photo, settled

__all__ = ["browser", "people"]  # the fixtures, for pytest


def give(page: Page, command: str, **fields: str) -> None:
    """Open the command's form on the detail page, fill it and send it."""
    form = page.locator(f'details[data-command="{command}"]')
    form.locator("summary").click()
    for name, value in fields.items():
        field = form.locator(f'[name="{name}"]')
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages li")).to_be_visible()


def open_from_queue(page: Page, base: str, tab: str, number: str) -> None:
    page.goto(f"{base}/events/?tab={tab}")
    page.click(f'tr[data-number="{number}"] a')
    page.wait_for_url(f"**/events/{number}/")


@pytest.mark.browser
def test_report_to_close_across_three_people(live_server: Any, people: Callable[..., Page]) -> None:
    base = live_server.url
    worker, dispatcher, firefighter = people("gw", PHONE), people("sd"), people("fh")

    # The dispatcher's queue is open before anything is reported; its counts poll.
    dispatcher.clock.install()
    dispatcher.click('nav.mainnav a[href="/events/"]')
    expect(dispatcher.locator('[data-count="to_register"]')).to_have_text("0")

    # The grid worker reports from the nav: class, subclass, its field, the map, a photo.
    worker.click("[data-menu-toggle]")  # on a phone the menu folds behind one button
    worker.click('nav.mainnav a[href="/events/report/"]')
    worker.wait_for_url("**/events/report/")
    expect(worker.locator("#report-map")).to_have_attribute("data-loaded", "true")
    settled(worker, lambda: worker.select_option("#id_category_class", "04"))
    expect(worker.locator('#id_category option[value="0401"]')).to_have_count(1)
    worker.select_option("#id_category", "0401")
    worker.fill("#id_extra_building", "3栋")
    worker.fill("#id_description", "3栋楼道有电动车飞线充电")
    worker.click("#report-map")
    expect(worker.locator("#id_lon")).not_to_have_value("")
    worker.set_input_files("#id_photos", files=[photo("before.png", BEFORE)])
    worker.screenshot(path=SHOTS / "events_report.png", full_page=True)
    worker.click("#report-form button[type=submit]")
    worker.wait_for_url(re.compile(r".*/events/SJ\d+/$"))
    number = worker.url.rstrip("/").rsplit("/", 1)[1]
    event = Event.objects.get(number=number)
    assert event.grid is not None
    assert event.grid.code == "320104001001001"

    # Within half a minute the dispatcher's count shows it, without reloading the page.
    dispatcher.clock.run_for(31_000)
    expect(dispatcher.locator('[data-count="to_register"]')).to_have_text("1")
    expect(dispatcher.locator("tr[data-number]")).to_have_count(0)

    # The dispatcher registers and dispatches it.
    open_from_queue(dispatcher, base, "to_register", number)
    give(dispatcher, "register", note="立案")
    give(dispatcher, "dispatch", target="department:320104-fire")
    expect(dispatcher.locator("#event-status")).to_have_text("已派遣")

    # The brigade accepts and reports the work with a photo of the result.
    open_from_queue(firefighter, base, "to_accept", number)
    give(firefighter, "accept")
    form = firefighter.locator('details[data-command="handle"]')
    form.locator("summary").click()
    form.locator('[name="note"]').fill("已拆除飞线，现场整改完毕")
    form.locator('[name="photos"]').set_input_files(files=[photo("after.png", AFTER)])
    form.locator("button[type=submit]").click()
    expect(firefighter.locator("#timeline li")).to_have_count(5)

    # The grid worker verifies on site; the dispatcher closes.
    open_from_queue(worker, base, "to_verify", number)
    give(worker, "verify", note="现场核查通过")
    open_from_queue(dispatcher, base, "all", number)
    give(dispatcher, "close", note="结案")

    event.refresh_from_db()
    assert event.status == Status.CLOSED
    assert EventAttachment.objects.filter(event=event).count() == 2
    expect(dispatcher.locator("#timeline li")).to_have_count(7)
    expect(dispatcher.locator("#timeline img")).to_have_count(2)
    dispatcher.screenshot(path=SHOTS / "events_timeline.png", full_page=True)
    dispatcher.goto(f"{base}/events/?tab=all")
    expect(dispatcher.locator(f'tr[data-number="{number}"]')).to_be_visible()
    dispatcher.screenshot(path=SHOTS / "events_queue.png", full_page=True)
