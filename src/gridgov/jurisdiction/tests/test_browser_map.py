"""The grid map in a real browser: log in, drill down from a subdistrict, open a grid's card.

Drives Debian's chromium through Playwright against pytest-django's live
server; the map has no tile layer, as on an offline government intranet.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.roles import Role
from gridgov.staffing.actions import staff_create
from gridgov.staffing.models import StaffKind
from gridgov.testing.browser import browser, signed_in_page
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

__all__ = ["browser"]  # the fixture, for pytest


@pytest.fixture
def page(live_server, transactional_db, browser: Browser) -> Iterator[Page]:
    """A dispatcher of subdistrict 320104001 logged in through the login form."""
    tree = build_tree()
    dispatcher = make_user("sd", Role.SUBDISTRICT_DISPATCHER, node=tree["320104001"])
    staff_create(
        actor=dispatcher,
        name="王芳",
        kind=StaffKind.FULL_TIME,
        home_node=tree["320104001001"],
        grids=[tree["320104001001002"]],
    )
    page = signed_in_page(browser, live_server.url, "sd")
    yield page
    page.context.close()


@pytest.mark.browser
def test_drill_down_and_open_a_grid_card(live_server, page: Page):
    page.click("nav.mainnav >> text=地图")
    page.wait_for_url("**/jurisdiction/map/")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")

    page.click('path[data-code="320104001001"]')
    page.wait_for_url("**/jurisdiction/map/320104001001/")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
    expect(page.locator("path[data-code]")).to_have_count(2)

    page.click('path[data-code="320104001001002"]')
    card = page.locator("#grid-card")
    expect(card).to_contain_text("320104001001002")
    expect(card).to_contain_text("王芳")
    expect(card).to_contain_text("专职网格员")
    expect(page.locator("#map-error")).to_be_hidden()
    page.screenshot(path=Path(tempfile.gettempdir()) / "map.png", full_page=True)


@pytest.mark.browser
def test_tree_expands_in_place(live_server, page: Page):
    page.goto(f"{live_server.url}/jurisdiction/nodes/")
    grid_link = page.locator('a[href="/jurisdiction/grids/320104001001002/"]')
    expect(grid_link).to_have_count(0)
    page.click("main details > summary")  # the tree's, not the menu's
    expect(grid_link).to_be_visible()
