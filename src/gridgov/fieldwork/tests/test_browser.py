"""On a phone (390 px): a patrol started, checked in at its points where the phone stands,
a problem found on the way filed as an event in one step, and the patrol ended."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from gridgov.accounts.roles import Role
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.models import Event
from gridgov.fieldwork.actions.patrols import PointIn, patrol_plan_save, patrol_tasks_generate
from gridgov.fieldwork.models import FieldTask, Patrol
from gridgov.fieldwork.workflow import Status
from gridgov.testing.browser import PHONE, log_in, settled
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import build_tree
from gridgov.testing.users import make_user

GATE, STAIRS = (118.10, 31.70), (118.12, 31.72)


@pytest.fixture
def phone(
    live_server: Any, transactional_db: Any, browser: Browser, settings: Any, tmp_path: Any
) -> Iterator[Page]:
    settings.MEDIA_ROOT = tmp_path
    tree = build_tree()
    catalogue_load(actor=None, data=default_catalogue())
    make_user("gw", Role.GRID_WORKER, node=tree["320104001001001"])
    staff = make_user("cs", Role.COMMUNITY_STAFF, node=tree["320104001001"])
    patrol_plan_save(
        actor=staff,
        grid=tree["320104001001001"],
        name="日常巡查",
        every_days=1,
        working_days_only=False,
        points=[PointIn("东门", *GATE), PointIn("3栋楼道", *STAIRS)],
        starts_on=timezone.localdate() - timedelta(days=1),
    )
    patrol_tasks_generate(day=timezone.localdate())
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"longitude": GATE[0], "latitude": GATE[1]},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "gw")
    yield page
    context.close()


def located(page: Page) -> None:
    expect(page.locator("[data-locate-status]").first).to_have_text("已定位。")


def test_a_patrol_with_check_ins_and_a_finding_on_a_phone(phone: Page, live_server: Any) -> None:
    page = phone
    page.goto(f"{live_server.url}/fieldwork/")
    expect(page.locator("h1")).to_have_text("我的任务")
    page.get_by_text("巡查：日常巡查").click()
    page.click("#patrol-start")
    located(page)
    page.click("button[data-point='东门']")
    expect(page.locator(".messages")).to_contain_text("已在东门打卡。")

    page.context.set_geolocation({"longitude": STAIRS[0], "latitude": STAIRS[1]})
    page.reload()
    located(page)
    page.click("button[data-point='3栋楼道']")
    expect(page.locator(".messages")).to_contain_text("已在3栋楼道打卡。")

    page.click("#patrol-finding")
    expect(page.locator("h1")).to_have_text("上报发现的问题")
    settled(page, lambda: page.select_option("#id_category_class", "04"))
    settled(page, lambda: page.select_option("#id_category", "0401"))
    page.fill("#id_extra_building", "3栋")
    page.fill("#id_description", "3栋楼道有电动车飞线充电")
    located(page)
    page.get_by_role("button", name="上报为事件").click()
    expect(page.locator(".messages")).to_contain_text("已上报")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.fill("#id_summary", "两处点位正常，发现飞线充电一处，已上报")
    page.get_by_role("button", name="结束巡查").click()
    expect(page.locator(".messages")).to_contain_text("巡查已结束。")

    patrol = Patrol.objects.unscoped().get()
    assert patrol.ended_at is not None
    assert patrol.checks.count() == 3
    finding = patrol.checks.get(event__isnull=False)
    assert finding.point is not None
    assert finding.point.name == "3栋楼道"
    assert Event.objects.unscoped().get().description == "3栋楼道有电动车飞线充电"
    task = FieldTask.objects.unscoped().get()
    assert task.status == Status.DONE
    assert task.result["points_checked"] == 2
