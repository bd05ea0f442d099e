"""The index editor in a real browser: the city's commander opens an index from the list,
gets weights that miss 100 refused with the field named in Chinese, and saves them fixed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.roles import Role
from gridgov.insight.actions import index_define
from gridgov.insight.indices import ComponentSpec
from gridgov.insight.models import Direction, IndexComponent, Normalisation
from gridgov.testing.browser import browser, signed_in_page
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

__all__ = ["browser"]  # the fixture, for pytest


@pytest.fixture
def page(live_server: Any, transactional_db: Any, browser: Browser) -> Iterator[Page]:
    tree = build_tree()
    index_define(
        actor=None, code="orders", name="工单指数", levels=[3],
        components=[
            ComponentSpec("closure_rate", Direction.HIGHER_BETTER, 60, Normalisation.RANGE, 0, 100),
            ComponentSpec("events_per_1000", Direction.LOWER_BETTER, 40, Normalisation.PEERS),
        ],
    )  # fmt: skip
    make_user("cc", Role.DISTRICT_COMMANDER, node=tree["3201"])
    page = signed_in_page(browser, live_server.url, "cc")
    yield page
    page.context.close()


@pytest.mark.browser
def test_index_weights_edited(live_server: Any, page: Page) -> None:
    page.goto(f"{live_server.url}/insight/indices/")
    page.click("text=工单指数")
    page.wait_for_url("**/insight/indices/orders/")
    page.fill('input[name="c-0-weight"]', "50")
    page.click("#index-form button[type=submit]")
    errors = page.locator("#index-errors")
    expect(errors).to_contain_text("权重")
    expect(errors).to_contain_text("权重合计为 90")
    # What was typed comes back, so only the wrong figure needs changing.
    expect(page.locator('input[name="c-0-weight"]')).to_have_value("50")
    page.fill('input[name="c-1-weight"]', "50")
    page.click("#index-form button[type=submit]")
    expect(page.locator("body")).to_contain_text("指数已保存")
    weights = dict(
        IndexComponent.objects.filter(index__code="orders").values_list("measure", "weight")
    )
    assert weights == {"closure_rate": 50, "events_per_1000": 50}
