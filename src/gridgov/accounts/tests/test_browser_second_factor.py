"""Enrolling the second factor in a real browser, as an auditor would on the first login in
production: the QR code is drawn by the page itself (nothing is fetched from elsewhere), and
the key printed beneath it is what an authenticator app would be given."""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.roles import Role
from gridgov.testing.browser import browser
from gridgov.testing.tree import build_tree
from gridgov.testing.users import PASSWORD, make_user

__all__ = ["browser"]  # the fixture, for pytest


@pytest.fixture
def page(live_server: Any, transactional_db: Any, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.browser
def test_an_auditor_enrols_with_the_key_shown_and_reaches_the_admin(
    page: Page, live_server: Any, settings: Any
) -> None:
    settings.OTP_REQUIRED = True
    make_user("au", Role.AUDITOR, node=build_tree()["3201"])
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "au")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url("**/accounts/otp/enrol/")
    expect(page.locator("h1")).to_have_text("绑定第二因素")
    expect(page.locator("figure.otp-qr svg")).to_be_visible()

    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    page.fill("#id_token", f"{totp(b32decode(secret)):06d}")
    page.click("form.stacked button[type=submit]")
    expect(page.locator("#backup-codes li")).to_have_count(10)

    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    assert hosts == {urlsplit(live_server.url).netloc}
