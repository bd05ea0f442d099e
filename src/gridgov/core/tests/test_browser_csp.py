"""Pages under the Content-Security-Policy, in a real browser (issue 8, item 2; ADR 0012).

A grid renamed to markup, as an import once could, is hovered on the map: its tooltip shows the
name as text and no script of the name runs. The pages with scripts still work (the map loads,
htmx swaps the grid card in, the report forms' maps load) and the browser reports no violation
of the policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.roles import Role
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.jurisdiction.models import Node
from gridgov.testing.browser import browser, log_in
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

__all__ = ["browser"]  # the fixture, for pytest

HOSTILE = '<img src=x onerror="window.pwned=1">第2网格'
# Every violation the page meets, collected from the document's own event; Playwright's
# init script is not itself subject to the policy.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""


@pytest.fixture
def page(live_server: Any, transactional_db: Any, browser: Browser) -> Iterator[Page]:
    build_tree()
    Node.objects.filter(code="320104001001002").update(name=HOSTILE)
    catalogue_load(actor=None, data=default_catalogue())
    make_user("sd", Role.SUBDISTRICT_DISPATCHER, node=Node.objects.get(code="320104001"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def no_violations(page: Page) -> None:
    assert page.evaluate("window.violations") == []
    assert page.evaluate("window.pwned") is None


@pytest.mark.browser
def test_a_hostile_name_is_text_and_the_pages_run_under_the_policy(
    live_server: Any, page: Page
) -> None:
    base = live_server.url
    response = page.goto(f"{base}/residents/")
    assert response is not None
    assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
    expect(page.locator("#resident-map")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#resident-map")).to_have_attribute("data-outline", "true")
    page.select_option("#id_category", "0401")
    expect(page.locator('fieldset[data-category="0401"]')).to_be_visible()
    no_violations(page)
    page.goto(f"{base}/residents/map/")
    expect(page.locator("#public-map")).to_have_attribute("data-loaded", "true")
    no_violations(page)

    log_in(page, base, "sd")
    page.goto(f"{base}/jurisdiction/map/320104001001/")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true")
    page.hover('path[data-code="320104001001002"]')
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(HOSTILE)
    expect(tooltip.locator("img")).to_have_count(0)
    page.click('path[data-code="320104001001002"]')
    expect(page.locator("#grid-card")).to_contain_text("320104001001002")
    no_violations(page)

    page.goto(f"{base}/events/report/")
    expect(page.locator("#report-map")).to_have_attribute("data-loaded", "true")
    no_violations(page)


@pytest.mark.browser
def test_the_api_documentation_renders_under_the_policy(live_server: Any, page: Page) -> None:
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("GridGov API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.evaluate("window.violations") == []
