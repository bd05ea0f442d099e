"""A campaign in chromium: the subdistrict's centre defines it from the census template and
pushes it at a desk; the grid worker answers a home on a 390 px phone, where a question
appears only when its condition holds; the centre's counts show the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from gridgov.accounts.models import User
from gridgov.campaigns.models import Campaign
from gridgov.registry.actions import home_upsert
from gridgov.testing.browser import PHONE, SHOTS, browser, people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "people"]

GRID = "320104001001001"


def test_defined_pushed_answered_and_counted(people: Callable[..., Page], live_server: Any) -> None:
    centre = people("sd")
    actor = User.objects.get(username="sd")
    for n in range(3):
        home_upsert(actor=actor, address=f"秦淮区北街道目标路{n + 1}号", grid_code=GRID)

    centre.goto(f"{live_server.url}/campaigns/")
    centre.get_by_role("link", name="人口普查入户核查").click()
    centre.get_by_label("秦淮区北街道", exact=True).check()
    centre.get_by_role("button", name="保存专项任务").click()
    centre.get_by_role("button", name="下发到网格").click()
    assert "专项任务正在下发到各网格。" in centre.content()
    campaign = Campaign.objects.unscoped().get()
    centre.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert "进行中" in centre.locator("section").first.inner_text()
    assert "未完成 3" in centre.locator("#campaign-counts").inner_text()

    worker = people("gw", viewport=PHONE)
    worker.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    worker.get_by_role("link", name="秦淮区北街道目标路1号").click()
    residents = worker.locator("[data-show-field=occupancy]").first
    assert residents.is_hidden()
    worker.get_by_label("自住").check()
    assert residents.is_visible()
    worker.get_by_label("常住人数").fill("3")
    worker.locator("[data-show-field=occupancy]").nth(1).get_by_label("是").check()
    width = worker.evaluate("() => document.documentElement.scrollWidth")
    worker.screenshot(path=str(SHOTS / "campaign-answer-phone.png"), full_page=True)
    assert width <= PHONE["width"]
    worker.get_by_role("button", name="保存填报").click()
    assert "填报已保存。" in worker.content()

    centre.reload()
    counts = centre.locator("#campaign-counts").inner_text()
    assert "已完成 1" in counts
    assert "未完成 2" in counts
    centre.screenshot(path=str(SHOTS / "campaign-desk.png"), full_page=True)
