"""An inspection on a 390 px phone: the worker opens the due inspection from the list, fails
one item with a photo of that item, and the hazard is a rectification with its re-inspection."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from gridgov.accounts.roles import Role
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.inspections.actions import inspections_schedule, kinds_load
from gridgov.inspections.models import Inspection, Rectification, RectificationStatus
from gridgov.inspections.tests.conftest import make_shop
from gridgov.testing.browser import PHONE, photo, signed_in_page
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.images import PNG
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

pytestmark = pytest.mark.browser


def test_a_failed_item_becomes_a_rectification_on_the_phone(
    live_server: Any, transactional_db: Any, browser: Browser, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    tree = build_tree()
    make_user("gw", Role.GRID_WORKER, node=tree["320104001001001"])
    staff = make_user("cs", Role.COMMUNITY_STAFF, node=tree["320104001001"])
    catalogue_load(actor=None, data=default_catalogue())
    kinds_load(actor=None)
    make_shop(staff)
    inspections_schedule()
    due = Inspection.objects.unscoped().get()

    page = signed_in_page(browser, live_server.url, "gw", viewport=PHONE)
    page.goto(f"{live_server.url}/inspections/")
    assert page.locator("h1").inner_text() == "待检查"
    page.get_by_text("惠民小超市").click()
    page.wait_for_url(f"{live_server.url}/inspections/{due.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for item in page.locator("fieldset.item").all():
        item.get_by_label("通过", exact=True).check()
    broken = page.locator("fieldset.item", has_text="灭火器配置到位且在有效期内")
    broken.get_by_label("不通过").check()
    broken.get_by_label("备注").fill("灭火器已过期")
    broken.get_by_label("本项照片").set_input_files([photo("extinguisher.png", PNG)])
    page.get_by_role("button", name="保存检查结果").click()
    page.wait_for_url(f"{live_server.url}/inspections/{due.pk}/")
    assert "发现 1 处隐患" in page.content()
    page.locator("a.task-link", has_text="灭火器配置到位且在有效期内").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "整改中" in page.content()

    rect = Rectification.objects.unscoped().get()
    assert (rect.status, rect.note) == (RectificationStatus.OPEN, "灭火器已过期")
    assert Inspection.objects.unscoped().filter(rectification=rect, status="due").exists()
    assert list(due.photos.values_list("item_code", flat=True)) == ["extinguisher"]
    page.context.close()
