"""The panorama in a real browser: open it from the menu, colour the district's subdistricts
by a measure, sort the table, and drill down by clicking the map to a community and a grid.

Drives Debian's chromium through Playwright against pytest-django's live server; no tiles.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.roles import Role
from gridgov.insight.models import NodeMonth
from gridgov.testing.browser import browser, signed_in_page
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

__all__ = ["browser"]  # the fixture, for pytest


@pytest.fixture
def page(live_server: Any, transactional_db: Any, browser: Browser) -> Iterator[Page]:
    """A district commander of 320104 with a month of closure rates below it."""
    tree = build_tree()
    month = timezone.localdate().replace(day=1)
    values = {"320104": 75.0, "320104001": 90.0, "320104002": 60.0, "320104001001": 90.0,
              "320104001001001": 95.0, "320104001001002": 85.0}  # fmt: skip
    NodeMonth.objects.bulk_create(
        NodeMonth(node=tree[code], month=month, measure="closure_rate", value=v)
        for code, v in values.items()
    )
    make_user("dc", Role.DISTRICT_COMMANDER, node=tree["320104"])
    page = signed_in_page(browser, live_server.url, "dc")
    yield page
    page.context.close()


def _ready(page: Page) -> None:
    expect(page.locator("#panorama-map")).to_have_attribute("data-ready", "1")


@pytest.mark.browser
def test_panorama_drill_down(live_server: Any, page: Page) -> None:
    expect(page.locator('nav.mainnav a[href="/insight/"]')).to_have_text("全景网格")
    page.goto(f"{live_server.url}/insight/")
    page.select_option("#panorama-measure", "closure_rate")
    page.wait_for_url("**measure=closure_rate**")
    _ready(page)
    expect(page.locator("h1")).to_contain_text("秦淮区全景网格")
    # The better subdistrict is the greener tone, on the map and in the table.
    expect(page.locator('path[data-code="320104001"]')).to_have_attribute("data-tone", "0")
    expect(page.locator('path[data-code="320104002"]')).to_have_attribute("data-tone", "4")
    rows = page.locator("#panorama-table tbody tr")
    page.click('#panorama-table button[data-sort="value"]')
    expect(rows.first).to_contain_text("南街道")
    page.click('#panorama-table button[data-sort="value"]')
    expect(rows.first).to_contain_text("北街道")

    page.click('path[data-code="320104001"]')
    page.wait_for_url("**/insight/areas/320104001/**")
    _ready(page)
    page.click('path[data-code="320104001001"]')
    page.wait_for_url("**/insight/areas/320104001001/**")
    _ready(page)
    expect(page.locator("path[data-code]")).to_have_count(2)
    expect(page.locator("#panorama-table")).to_contain_text("95.0")
    expect(page.locator("nav.breadcrumbs")).to_contain_text("北街道")
    page.screenshot(path=Path(tempfile.gettempdir()) / "panorama.png", full_page=True)
