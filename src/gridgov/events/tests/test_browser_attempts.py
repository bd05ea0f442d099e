"""The issue's walk in a real browser: report → dispatch → return → re-dispatch → extension →
handle → verify → close, then the time-limit table shows every attempt with its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gridgov.accounts.models import User
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.events.tests.test_browser_loop import give, open_from_queue
from gridgov.events.workflow import Status
from gridgov.testing.browser import browser, people
from gridgov.testing.tree import HERE

__all__ = ["browser", "people"]  # the fixtures, for pytest


@pytest.mark.browser
def test_a_returned_and_extended_case_keeps_every_attempt(
    live_server: Any, people: Callable[..., Page]
) -> None:
    base = live_server.url
    worker, dispatcher, firefighter = people("gw"), people("sd"), people("fh")
    number = event_report(
        actor=User.objects.get(username="gw"),
        category_code="0401",
        description="3栋楼道有电动车飞线充电",
        lon=HERE[0],
        lat=HERE[1],
        extra={"building": "3栋"},
    ).number

    open_from_queue(dispatcher, base, "to_register", number)
    give(dispatcher, "register", note="立案")
    give(dispatcher, "dispatch", target="department:320104-fire")
    open_from_queue(firefighter, base, "to_accept", number)
    give(firefighter, "return", reason="非本部门职责")
    open_from_queue(dispatcher, base, "to_dispatch", number)
    give(dispatcher, "dispatch", target="department:320104-fire")
    open_from_queue(firefighter, base, "to_accept", number)
    give(firefighter, "accept")

    # The brigade asks for two working days and sees the new due time before sending.
    form = firefighter.locator('details[data-command="request_extension"]')
    form.locator("summary").click()
    form.locator('[name="amount"]').fill("2")
    expect(form.locator("#extension-preview")).to_contain_text("批准后截止时间")
    form.locator('[name="reason"]').fill("需协调供电部门")
    form.locator("button[type=submit]").click()
    expect(firefighter.locator(".messages li")).to_be_visible()

    # The dispatcher finds it under its own tab, counted, and approves it.
    dispatcher.goto(f"{base}/events/")
    expect(dispatcher.locator('[data-count="extensions"]')).to_have_text("1")
    open_from_queue(dispatcher, base, "extensions", number)
    give(dispatcher, "approve_extension", note="同意延期")

    open_from_queue(firefighter, base, "in_hand", number)
    give(firefighter, "handle", note="已拆除飞线")
    open_from_queue(worker, base, "to_verify", number)
    give(worker, "verify", note="现场核查通过")
    open_from_queue(dispatcher, base, "all", number)
    give(dispatcher, "close", note="结案")
    assert Event.objects.get(number=number).status == Status.CLOSED

    rows = dispatcher.locator("#clocks tbody tr")
    outcomes = [rows.nth(i).get_attribute("data-outcome") for i in range(rows.count())]
    assert outcomes == ["on_time", "on_time", "returned", "on_time", "on_time", "on_time"]
    expect(rows.nth(2)).to_contain_text("处置")
    expect(rows.nth(2)).to_contain_text("已退回")
    expect(rows.nth(4)).to_contain_text("按时完成")
