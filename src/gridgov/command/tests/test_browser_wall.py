"""The wall display in chromium at 1920×1080: filing an event shows on it by itself; at
3840×2160 the same wall reads at twice the size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.command.actions.centres import centre_create, member_set
from gridgov.command.models import MemberRole
from gridgov.events.actions.intake import event_report
from gridgov.jurisdiction.models import Node
from gridgov.testing.browser import browser, people
from gridgov.testing.tree import HERE
from gridgov.testing.users import make_user

__all__ = ["browser", "people"]


@pytest.mark.browser
def test_the_wall_display_refreshes_when_an_event_is_filed(
    live_server: Any, people: Callable[..., Page]
) -> None:
    page = people("sd", viewport={"width": 1920, "height": 1080})
    commander = make_user(
        "dc", Role.DISTRICT_COMMANDER, node=Node.objects.unscoped().get(code="320104")
    )
    centre = centre_create(
        actor=commander, name="北街道指挥分中心", node=Node.objects.unscoped().get(code="320104001")
    )
    member_set(
        actor=commander,
        centre=centre,
        user=User.objects.unscoped().get(username="sd"),
        role=MemberRole.COMMANDER,
    )
    page.goto(f"{live_server.url}/command/centres/{centre.pk}/wall/")
    expect(page.locator("h1")).to_contain_text("指挥大屏")
    expect(page.locator(".wall-figures")).to_contain_text("今日上报")
    expect(page.locator("#fig-intake")).to_have_text("0")
    event_report(
        actor=User.objects.unscoped().get(username="gw"),
        category_code="0401",
        description="楼道飞线充电",
        extra={"building": "3栋"},
        lon=HERE[0],
        lat=HERE[1],
    )
    # The page polls every few seconds: the figure and the map change with no reload.
    expect(page.locator("#fig-intake")).to_have_text("1", timeout=10_000)
    expect(page.locator("#fig-open")).to_have_text("1")
    expect(page.locator(".wall-dot")).to_have_count(1)
    # Nothing scrolls sideways on the wall, and on a 4K wall everything is twice the size.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    size = "parseFloat(getComputedStyle(document.getElementById('fig-intake')).fontSize)"
    full_hd = page.evaluate(size)
    page.set_viewport_size({"width": 3840, "height": 2160})
    assert page.evaluate(size) >= 1.9 * full_hd >= 1.9 * 60
    assert page.evaluate("document.documentElement.scrollWidth") <= 3840
