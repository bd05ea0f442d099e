"""Each role's home in a real browser, at a desk and on a phone, in Chinese; and the pages
people use outdoors never scroll sideways on a 390 px phone.

Drives Debian's chromium through Playwright against pytest-django's live server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from gridgov.accounts.models import User
from gridgov.testing.browser import DESK, PHONE, signed_in_page
from gridgov.testing.loop import Report
from gridgov.web.tests.test_home import ROLES


@pytest.fixture
def sign_in(
    live_server: Any, transactional_db: Any, browser: Browser, busy: dict[str, User]
) -> Iterator[Callable[[str, ViewportSize], Page]]:
    contexts = []

    def open_as(role: str, viewport: ViewportSize) -> Page:
        page = signed_in_page(browser, live_server.url, busy[role].username, viewport=viewport)
        contexts.append(page.context)
        return page

    yield open_as
    for context in contexts:
        context.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_each_role_has_its_home_at_a_desk_and_on_a_phone(
    sign_in: Callable[[str, ViewportSize], Page], role: str
) -> None:
    for viewport in (DESK, PHONE):
        page = sign_in(role, viewport)
        expect(page.locator("#workbench h2")).to_have_text(ROLES[role])
        expect(page.locator("#workbench .tile").first).to_be_visible()
        if viewport == PHONE:
            no_sideways_scroll(page)
            # The menu folds behind one button on a phone, and opens in Chinese.
            expect(page.locator("#mainnav")).to_be_hidden()
            page.click("[data-menu-toggle]")
            expect(page.locator("#mainnav a", has_text="首页")).to_be_visible()
            no_sideways_scroll(page)
        else:
            expect(page.locator("#mainnav a", has_text="首页")).to_be_visible()


@pytest.mark.browser
def test_a_count_opens_its_list_and_the_counts_follow_the_work(
    sign_in: Callable[[str, ViewportSize], Page], report: Report
) -> None:
    page = sign_in("dispatcher", DESK)
    # The home polls on a timer: a clock of the test's own, set before the page starts it.
    page.clock.install()
    page.reload()
    tile = page.locator('[data-count="to_register"]')
    expect(tile).to_have_text("2")
    report(description="消防通道被杂物堵塞")
    page.clock.run_for(31_000)
    expect(tile).to_have_text("3")
    page.click('[data-figure="to_register"]')
    page.wait_for_url("**/events/?tab=to_register")
    expect(page.locator("#queue tbody tr[data-number]")).to_have_count(3)


OUTDOOR_PAGES = {
    "grid_worker": [
        "/",
        "/events/",
        "/events/?tab=mine",
        "/events/report/",
        "/verification/",
        "/jurisdiction/map/",
        "/notifications/",
    ],
    "community_staff": ["/", "/events/", "/events/?tab=all", "/notifications/"],
    "handler": ["/", "/events/", "/whistle/summons/", "/notifications/"],
}


@pytest.mark.browser
@pytest.mark.parametrize("role", OUTDOOR_PAGES)
def test_outdoor_pages_fit_a_phone(
    live_server: Any, sign_in: Callable[[str, ViewportSize], Page], role: str
) -> None:
    page = sign_in(role, PHONE)
    for path in OUTDOOR_PAGES[role]:
        page.goto(f"{live_server.url}{path}")
        no_sideways_scroll(page)
    # An event's page, opened from the first card of the queue.
    page.goto(f"{live_server.url}/events/")
    page.locator("#queue tbody tr[data-number] a").first.click()
    page.wait_for_url("**/events/*/")
    expect(page.locator("#event-card h1")).to_be_visible()
    no_sideways_scroll(page)


@pytest.mark.browser
def test_residents_pages_fit_a_phone(live_server: Any, browser: Browser, busy: Any) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    for path in ("/residents/", "/residents/status/", "/residents/map/"):
        page.goto(f"{live_server.url}{path}")
        no_sideways_scroll(page)
    context.close()
