"""The grid map in a real browser: log in, drill down from a subdistrict, open a grid's card.

Drives Debian's chromium through Playwright against pytest-django's live
server; the map has no tile layer, as on an offline government intranet.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.roles import Role
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.models import Category, Channel, Deadline, Event
from gridgov.events.workflow import Stage, Status
from gridgov.staffing.actions import staff_create
from gridgov.staffing.models import StaffKind
from gridgov.testing.browser import browser, signed_in_page
from gridgov.testing.catalogue import default_catalogue
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


# A district's open events, as the issue measures the map with (~5,000).
DISTRICT_EVENTS = 5_000


def _district_events(tree: Any) -> None:
    """Open events spread over district 320104's four grids, every tenth overdue. Written in
    bulk: the map under test only reads them."""
    rng = random.Random(12)
    category = Category.objects.get(code="0401")
    grids = [tree[c] for c in ("320104001001001", "320104001001002",
                               "320104002001001", "320104002001002")]  # fmt: skip
    states = [Status.REPORTED, Status.REGISTERED, Status.DISPATCHED, Status.ACCEPTED,
              Status.HANDLED]  # fmt: skip
    now = timezone.now()
    events = []
    for i in range(DISTRICT_EVENTS):
        grid = grids[i % len(grids)]
        x0, y0, x1, y1 = grid.geometry.bounds
        events.append(
            Event(
                number=f"M{i:07d}",
                category=category,
                severity=category.severity,
                description="楼道飞线充电",
                lon=rng.uniform(x0 + 0.001, x1 - 0.001),
                lat=rng.uniform(y0 + 0.001, y1 - 0.001),
                node=grid,
                grid=grid,
                owner=grid,
                channel=Channel.GRID_WORKER,
                status=states[i % len(states)],
                reported_at=now,
            )
        )
    Event.objects.bulk_create(events, batch_size=1000)
    late = Event.objects.filter(number__endswith="0")
    Deadline.objects.bulk_create(
        Deadline(event=e, stage=Stage.REGISTER, started_at=now - timedelta(days=2),
                 due_at=now - timedelta(days=1))
        for e in late
    )  # fmt: skip


@pytest.fixture
def commander_page(live_server, transactional_db, browser: Browser) -> Iterator[Page]:
    tree = build_tree()
    catalogue_load(actor=None, data=default_catalogue())
    _district_events(tree)
    make_user("dc", Role.DISTRICT_COMMANDER, node=tree["320104"])
    page = signed_in_page(browser, live_server.url, "dc", timeout=30_000)
    yield page
    page.context.close()


SHOWN = """() => {
  const clusters = [...document.querySelectorAll('.marker-cluster span')];
  return clusters.reduce((n, s) => n + Number(s.textContent), 0)
    + document.querySelectorAll('.event-pin').length;
}"""


@pytest.mark.browser
def test_a_district_map_shows_all_its_open_events(live_server, commander_page: Page):
    page = commander_page
    page.goto(f"{live_server.url}/jurisdiction/map/")
    events = page.locator("#map")
    expect(events).to_have_attribute("data-events-loaded", "true")
    # Every open event is on the map, in a cluster or alone; the time it took is printed for
    # docs/benchmarks.md, never asserted.
    assert events.get_attribute("data-events") == str(DISTRICT_EVENTS)
    assert page.evaluate(SHOWN) == DISTRICT_EVENTS
    print(
        f"\n{DISTRICT_EVENTS} events on the map in {events.get_attribute('data-events-ms')} ms,"
        f" drawn in {events.get_attribute('data-events-draw-ms')} ms"
    )
    expect(page.locator(".marker-cluster.has-overdue").first).to_be_visible()
    # The areas are named on the map itself, for a map without tiles.
    expect(page.locator(".area-label", has_text="秦淮区北街道")).to_be_visible()
    expect(page.locator("#map-events-count")).to_contain_text(str(DISTRICT_EVENTS))

    # One state: a fifth of them; a category with none: none.
    page.select_option("#map-status", "dispatched")
    expect(events).to_have_attribute("data-events", str(DISTRICT_EVENTS // 5))
    expect(events).to_have_attribute("data-events-loaded", "true")
    assert page.evaluate(SHOWN) == DISTRICT_EVENTS // 5
    page.select_option("#map-category", "01")
    expect(events).to_have_attribute("data-events", "0")

    page.select_option("#map-category", "")
    page.check("#map-heat")
    expect(events).to_have_attribute("data-heat-points", str(DISTRICT_EVENTS))
    expect(page.locator("canvas.leaflet-heatmap-layer")).to_have_count(1)
    page.screenshot(path=Path(tempfile.gettempdir()) / "map-events.png", full_page=True)


ZOOM_TO_OVERDUE = """async () => {
  const answer = await fetch('/events/map.json?node=320104001001&status=reported');
  const [lon, lat] = (await answer.json()).events.find((row) => row[5] === 1);
  window.gridgovMap.setView([lat, lon], 19, { animate: false });
}"""


@pytest.mark.browser
def test_an_overdue_pin_is_red_and_opens_its_event(live_server, commander_page: Page):
    page = commander_page
    page.goto(f"{live_server.url}/jurisdiction/map/320104001001/")
    expect(page.locator("#map")).to_have_attribute("data-events-loaded", "true")
    page.select_option("#map-status", "reported")
    expect(page.locator("#map")).to_have_attribute("data-events-loaded", "true")
    # Zoomed in far enough on an overdue one, its cluster opens into pins.
    page.evaluate(ZOOM_TO_OVERDUE)
    pin = page.locator(".event-pin.is-overdue").first
    expect(pin).to_be_visible()
    assert pin.evaluate("p => getComputedStyle(p).backgroundColor") == "rgb(220, 38, 38)"
    pin.click()
    link = page.locator(".event-popup a")
    expect(link).to_have_text(re.compile(r"^M\d{7}$"))
    link.click()
    page.wait_for_url(re.compile(r"/events/M\d{7}/$"))
    expect(page.locator("#mini-map")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#mini-map .event-pin.is-overdue")).to_have_count(1)
