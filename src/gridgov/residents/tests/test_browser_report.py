"""A resident on a phone, in Debian's chromium through Playwright against the live server and
with no tile layer: reads the notice, finds the place by the subdistricts' outlines, reports
with a photo and a point on the map, keeps the number, comes back by the secret link (the number
alone finds nothing of a category not public), is offered an open public report at the same spot
before sending another, and sees the outlines on the public map too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.models import Event, EventAttachment
from gridgov.testing.browser import BEFORE, PHONE, SHOTS, browser, photo
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import build_tree

__all__ = ["browser"]  # the fixture, for pytest


def click_the_spot(page: Page) -> None:
    """The map is centred on the box tree's city, whose centre is where four grids meet: a
    little up and left of it lies grid 320104001001002, whatever the zoom."""
    expect(page.locator("#resident-map")).to_have_attribute("data-loaded", "true")
    box = page.locator("#resident-map").bounding_box()
    assert box is not None
    page.locator("#resident-map").click(
        position={"x": box["width"] / 2 - 12, "y": box["height"] / 2 - 12}
    )
    expect(page.locator("#point-chosen")).to_be_visible()


def report_at(page: Page, category: str, description: str) -> str:
    """A report sent from the form at the spot; its number."""
    page.goto(f"{page.url.split('/residents/')[0]}/residents/")
    page.select_option("#id_category", category)
    page.fill("#id_description", description)
    click_the_spot(page)
    page.check("#id_consent")
    page.click("#resident-form button[type=submit]")
    page.wait_for_url("**/residents/reported/**")
    return page.locator("#report-number").inner_text().strip()


@pytest.mark.browser
def test_report_with_a_photo_then_look_it_up(
    live_server: Any, transactional_db: Any, browser: Browser, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    build_tree()
    catalogue_load(actor=None, data=default_catalogue())
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/residents/")
        expect(page.locator("#privacy-notice")).to_be_visible()
        expect(page.locator("#resident-map")).to_have_attribute("data-loaded", "true")
        expect(page.locator("#resident-map")).to_have_attribute("data-outline", "true")
        assert page.locator("#resident-map path.leaflet-interactive").count() > 0
        page.select_option("#id_category", "0401")
        expect(page.locator('fieldset[data-category="0401"]')).to_be_visible()
        page.fill("#extra-0401-building", "3栋")
        page.fill("#id_description", "楼道里有人飞线给电动车充电")
        click_the_spot(page)
        page.set_input_files("#id_photos", files=[photo("before.png", BEFORE)])
        page.fill("#id_contact_phone", "13812345678")
        page.check("#id_consent")
        page.screenshot(path=SHOTS / "residents_report.png", full_page=True)
        page.click("#resident-form button[type=submit]")
        page.wait_for_url("**/residents/reported/**")
        page.screenshot(path=SHOTS / "residents_number.png", full_page=True)
        number = page.locator("#report-number").inner_text().strip()
        event = Event.objects.get(number=number)
        assert EventAttachment.objects.filter(event=event).count() == 1
        assert event.caller_phone_last4 == "5678"
        assert event.grid is not None
        assert event.grid.code == "320104001001002"

        code = page.locator("#report-code").inner_text().strip()
        page.click("#status-link")
        expect(page.locator("#report-state")).to_have_attribute("data-state", "open")
        expect(page.locator("#status-card")).to_have_attribute("data-own", "true")
        expect(page.locator("#status-card h2")).to_contain_text(number)
        expect(page.locator("#report-text")).to_have_text("楼道里有人飞线给电动车充电")
        page.screenshot(path=SHOTS / "residents_status.png", full_page=True)

        page.goto(f"{live_server.url}/residents/reported/{number}/")
        expect(page.locator("#status-link")).to_have_count(0)
        page.goto(f"{live_server.url}/residents/status/")
        page.fill("#id_number", number)
        page.click("#lookup-form button[type=submit]")
        expect(page.locator("#status-error")).to_be_visible()
        expect(page.locator("#status-card")).to_have_count(0)
        page.fill("#id_number", number)
        page.fill("#id_k", code.lower())
        page.click("#lookup-form button[type=submit]")
        expect(page.locator("#status-card")).to_have_attribute("data-own", "true")

        # A public report at the same spot is offered to the next resident before they send.
        first = report_at(page, "0103", "电线杆上贴满小广告")
        page.goto(f"{live_server.url}/residents/")
        page.select_option("#id_category", "0103")
        click_the_spot(page)
        expect(page.locator("#nearby")).to_contain_text(first)
        expect(page.locator("#nearby")).to_contain_text("电线杆上贴满小广告")
        page.screenshot(path=SHOTS / "residents_nearby.png", full_page=True)

        page.goto(f"{live_server.url}/residents/map/")
        expect(page.locator("#public-map")).to_have_attribute("data-outline", "true")
        expect(page.locator("#public-map")).to_have_attribute("data-loaded", "true")
        assert page.locator("#public-map path.leaflet-interactive").count() > 0
    finally:
        context.close()
