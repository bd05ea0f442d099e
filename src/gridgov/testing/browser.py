"""Debian's chromium for the browser tests of every package, which sign in through the login
form as a person does."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, sync_playwright

from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.images import image_bytes
from gridgov.testing.tree import build_tree
from gridgov.testing.users import PASSWORD, make_user

DESK: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = Path(tempfile.gettempdir())
BEFORE, AFTER = image_bytes("PNG", (0xCC, 0x22, 0x22)), image_bytes("PNG", (0x22, 0x99, 0x44))

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """A test module imports this fixture by name to drive chromium."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the test makes meanwhile are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def photo(name: str, content: bytes) -> FilePayload:
    return {"name": name, "mimeType": "image/png", "buffer": content}


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


@pytest.fixture
def people(
    live_server: Any, transactional_db: Any, browser: Browser, settings: Any, tmp_path: Path
) -> Iterator[Callable[..., Page]]:
    """people("gw") → a page logged in through the login form, in a context of its own."""
    settings.MEDIA_ROOT = tmp_path
    tree = build_tree()
    catalogue_load(actor=None, data=default_catalogue())
    brigade = Department.objects.create(
        code="320104-fire", name="秦淮区消防救援大队", node=tree["320104"]
    )
    make_user("gw", Role.GRID_WORKER, node=tree["320104001001001"])
    make_user("sd", Role.SUBDISTRICT_DISPATCHER, node=tree["320104001"])
    make_user("fh", Role.DEPARTMENT_HANDLER, department=brigade)
    contexts = []

    def login(username: str, viewport: ViewportSize = DESK) -> Page:
        page = signed_in_page(browser, live_server.url, username, viewport=viewport)
        contexts.append(page.context)
        return page

    yield login
    for context in contexts:
        context.close()


def settled(page: Page, act: Callable[[], object]) -> None:
    """Do what makes htmx swap, and wait until it has settled: a select swapped in listens only
    once htmx has processed it, and a choice made before then is lost (a person is slower)."""
    page.evaluate(
        "() => { window.settled = new Promise(done => document.body.addEventListener("
        "'htmx:afterSettle', done, { once: true })); }"
    )
    act()
    page.evaluate("() => window.settled")
    # Another element's swap (the form's nearby reports) may have settled first: wait until
    # no request is in flight and nothing is swapping or settling.
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
