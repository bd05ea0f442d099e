"""The grid worker's mediation pages on a 390 px phone, in Chinese: the dispute cards, a
dispute's page and the follow-up visit's form, none scrolling sideways; the visit recorded."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.fieldwork.models import FieldTask
from gridgov.mediation.actions import dispute_apply
from gridgov.mediation.kinds import FOLLOW_UP_KIND
from gridgov.mediation.models import Party
from gridgov.testing.browser import PHONE, signed_in_page
from gridgov.testing.mediation import make_dispute

GRID = "320104001001001"


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.mark.browser
def test_a_grid_worker_follows_a_dispute_up_on_a_phone(
    live_server: Any, transactional_db: Any, browser: Browser, users: Any
) -> None:
    staff = users["community_staff"]
    dispute = make_dispute(users["grid_worker"], GRID)
    parties = list(Party.objects.unscoped().filter(dispute=dispute).values_list("pk", flat=True))
    for command in ("accept", "mediate", "agree"):
        dispute = dispute_apply(
            actor=staff, dispute_id=dispute.pk, command=command, expected_version=dispute.version,
            payload={"terms": "乙方赔偿维修费800元", "consents": parties},
        )  # fmt: skip
    task = FieldTask.objects.unscoped().get(kind=FOLLOW_UP_KIND)
    page = signed_in_page(browser, live_server.url, "gw", viewport=PHONE)
    try:
        page.goto(f"{live_server.url}/mediation/")
        expect(page.locator("h1")).to_contain_text("矛盾纠纷")
        expect(page.locator("#disputes li")).to_have_count(1)
        no_sideways_scroll(page)
        page.locator("#disputes li a").first.click()
        expect(page.locator("#status")).to_have_text("调解成功")
        expect(page.locator("#parties")).to_contain_text("3201**********")
        no_sideways_scroll(page)
        page.goto(f"{live_server.url}/mediation/follow-up/{task.pk}/")
        expect(page.locator("h1")).to_have_text("回访")
        no_sideways_scroll(page)
        page.get_by_label("否").check()
        page.get_by_role("button", name="记录回访").click()
        expect(page.locator("#status")).to_have_text("已回访")
        expect(page.locator("main")).to_contain_text("协议未履行")
    finally:
        page.context.close()
