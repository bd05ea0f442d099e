"""A dispatcher at the declaration desk, in Debian's chromium through Playwright: types a
home's address the way a resident says it, sees how it was read and the standard address it
matches, and picks it, which fills the grid code and the standard address of the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gridgov.addresses.actions import library_generate
from gridgov.addresses.models import Address
from gridgov.testing.browser import browser, people

__all__ = ["browser", "people"]


@pytest.mark.browser
def test_the_declaration_picks_a_standard_address(
    live_server: Any, people: Callable[..., Page]
) -> None:
    page = people("sd")
    library_generate(actor=None, scale="small", seed=3)
    room = (
        Address.objects.filter(level=4, grid_code__startswith="320104001")
        .select_related("road")
        .first()
    )
    assert room is not None
    page.goto(f"{live_server.url}/verification/declare/?kind=home")
    page.fill(
        "#id_address",
        f"王女士 13912345678 {room.road.name}{room.door}号{room.building}栋"
        f"{room.unit}单元{room.room}",
    )
    check = page.locator("#address-check")
    expect(check).to_contain_text("已忽略：13912345678，王女士")
    expect(check.locator(".match-matched")).to_contain_text(room.road.name)
    check.get_by_role("button", name="使用此地址").click()
    expect(page.locator("#id_grid_code")).to_have_value(room.grid_code)
    expect(page.locator("#id_address")).to_have_value(
        check.get_by_role("button", name="使用此地址").get_attribute("data-label") or ""
    )
