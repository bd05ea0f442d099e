"""The roster's editing page on a phone, in chromium: a month is filled in, its gaps are
warned of in Chinese, accepted, and the month view shows the duty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.command.actions.centres import centre_create, member_set
from gridgov.command.models import MemberRole, Shift
from gridgov.jurisdiction.models import Node
from gridgov.testing.browser import browser, people
from gridgov.testing.users import make_user

__all__ = ["browser", "people"]


@pytest.mark.browser
def test_a_duty_officer_fills_a_month_on_a_phone_and_accepts_its_gaps(
    live_server: Any, people: Callable[..., Page]
) -> None:
    page = people("sd", viewport={"width": 390, "height": 844})
    commander = make_user(
        "dc", Role.DISTRICT_COMMANDER, node=Node.objects.unscoped().get(code="320104")
    )
    centre = centre_create(
        actor=commander, name="北街道指挥分中心", node=Node.objects.unscoped().get(code="320104001")
    )
    officer = User.objects.unscoped().get(username="sd")
    member_set(actor=commander, centre=centre, user=officer, role=MemberRole.DUTY_OFFICER)
    page.goto(f"{live_server.url}/command/centres/{centre.pk}/roster/?month=2030-02")
    page.get_by_role("link", name="编辑值班表").click()
    page.get_by_label("02-03 白班").select_option(str(officer.pk))
    page.get_by_label("02-03 夜班").select_option(str(officer.pk))
    page.get_by_role("button", name="保存值班表").click()
    expect(page.get_by_role("alert").first).to_contain_text("无人值班")
    assert not Shift.objects.unscoped().exists()
    # The choices survive the refusal; ticking the warning saves the month as it is.
    expect(page.get_by_label("02-03 夜班")).to_have_value(str(officer.pk))
    page.get_by_label("确认有时段无人值班，仍然保存").check()
    page.get_by_role("button", name="保存值班表").click()
    expect(page.locator("body")).to_contain_text("值班表已保存")
    assert Shift.objects.unscoped().filter(centre=centre, user=officer).count() == 2
    page.goto(f"{live_server.url}/command/centres/{centre.pk}/roster/?month=2030-02")
    expect(page.locator("table")).to_contain_text("02-03")
    expect(page.locator("table")).to_contain_text("sd")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
