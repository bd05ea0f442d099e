"""The inbox on a 390 px phone: readable without sideways scrolling, a tap opens the event."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, ViewportSize

from gridgov.accounts.roles import Role
from gridgov.notifications.actions import notice_send
from gridgov.notifications.models import InboxItem, Kind
from gridgov.testing.browser import signed_in_page
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}

# The map test's fixture: Debian's chromium, with sync ORM calls allowed while it runs.


def test_the_inbox_fits_a_phone_and_a_tap_marks_read(
    live_server: Any, transactional_db: Any, browser: Browser
) -> None:
    tree = build_tree()
    worker = make_user("gw", Role.GRID_WORKER, node=tree["320104001001001"])
    for n in range(12):
        notice_send(
            kind=Kind.BROADCAST,
            key=f"p{n}",
            title=f"关于做好第{n}批次出租房屋消防安全隐患排查整治工作的紧急通知",
            body="请各网格员于本周五前完成辖区内全部出租房屋的上门核查，并在系统中反馈结果。" * 3,
            link="/notifications/preferences/",
            recipients=[worker.pk],
        )
    page = signed_in_page(browser, live_server.url, "gw", viewport=PHONE)
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("h1").inner_text() == "收件箱"
    assert page.locator(".inbox-item").count() == 12
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.locator(".inbox-open").first
    box = first.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    first.click()
    page.wait_for_url(f"{live_server.url}/notifications/preferences/")
    assert InboxItem.objects.filter(read_at__isnull=False).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()
