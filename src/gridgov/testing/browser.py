"""Browser tests sign in through the login form, as a person does."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, ViewportSize

from gridgov.testing.users import PASSWORD

DESK: ViewportSize = {"width": 1280, "height": 900}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/")


def signed_in_page(
    browser: Browser,
    base: str,
    username: str,
    *,
    viewport: ViewportSize = DESK,
    timeout: float = 15_000,
) -> Page:
    """A page of a new Chinese-language context, signed in; close it with page.context."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(timeout)
    log_in(page, base, username)
    return page
