"""The decision pages in a Chinese browser: the dispatcher registers a decision and engages
a third-party assessor; the assessor sees its assignment only, consults, names a risk point
and submits a medium risk; the dispatcher accepts it and stops the decision."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gridgov.decisions.models import Assessment, Decision
from gridgov.testing.browser import signed_in_page
from gridgov.testing.decisions import commission, register


def command(page: Page, form: str, value: str) -> None:
    page.locator(f"{form} button[name=command][value={value}]").click()


@pytest.mark.browser
def test_a_decision_is_assessed_to_a_risk_level_and_stopped(
    live_server: Any, transactional_db: Any, browser: Browser, people: dict[str, Any]
) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    # Another decision of the district, engaged with another organisation.
    other = register(sd, "320104001", title="菜市场改造")
    commission(sd, other, people["other_assessor"])
    base = live_server.url
    desk = signed_in_page(browser, base, sd.username)
    try:
        desk.goto(f"{base}/decisions/new/")
        expect(desk.locator("h1")).to_have_text("登记重大决策")
        desk.fill("[name=title]", "营房扩建工程")
        desk.select_option("[name=category]", "environment")
        desk.fill("[name=decided_by]", "区政府常务会议")
        desk.select_option("[name=node]", "320104001")
        desk.fill("[name=people_affected]", "1200")
        desk.fill("[name=planned_on]", "2027-06-01")
        desk.locator("main form button[type=submit]").click()
        expect(desk.locator("h1")).to_have_text("营房扩建工程")
        desk.select_option("#commission [name=kind]", "third_party")
        desk.select_option("#commission [name=assessor]", str(tp.pk))
        desk.locator("#commission button").click()
        expect(desk.locator(".people").first).to_contain_text("江苏稳评咨询有限公司")
    finally:
        desk.context.close()
    decision = Decision.objects.unscoped().get(title="营房扩建工程")
    assessment = Assessment.objects.unscoped().get(decision=decision)

    office = signed_in_page(browser, base, tp.username)
    try:
        office.goto(f"{base}/decisions/assessments/")
        expect(office.locator("main")).to_contain_text("营房扩建工程")
        expect(office.locator("main")).not_to_contain_text("菜市场改造")
        office.locator("main a", has_text="营房扩建工程").click()
        command(office, "#assessment-command", "start")
        office.fill("#consultations [name=held_on]", "2026-11-20")
        office.fill("#consultations [name=participants]", "40")
        office.fill("#consultations [name=in_favour]", "12")
        office.fill("#consultations [name=against]", "25")
        office.locator("#consultations button[type=submit]").click()
        expect(office.locator("#consultations")).to_contain_text("参与 40 人")
        office.fill("#risk-points [name=title]", "日照纠纷")
        office.select_option("#risk-points [name=likelihood]", "2")
        office.select_option("#risk-points [name=impact]", "2")
        office.locator("#risk-points button[type=submit]").click()
        expect(office.locator("#risk-points")).to_contain_text("日照纠纷")
        office.select_option("#assessment-command [name=risk_level]", "medium")
        office.fill("#assessment-command [name=risk_reasons]", "北侧住宅日照不足，异议集中")
        command(office, "#assessment-command", "submit")
        expect(office.locator("main")).to_contain_text("北侧住宅日照不足")
        response = office.goto(f"{base}/decisions/{other.pk}/")
        assert response is not None
        assert response.status == 404
    finally:
        office.context.close()

    desk = signed_in_page(browser, base, sd.username)
    try:
        desk.goto(f"{base}/decisions/assessments/{assessment.pk}/")
        command(desk, "#assessment-command", "accept")
        desk.goto(f"{base}/decisions/{decision.pk}/")
        desk.fill("#decision-command [name=note]", "日照异议集中，风险中，终止")
        command(desk, "#decision-command", "stop")
        expect(desk.locator(".facts")).to_contain_text("已终止")
        expect(desk.locator(".facts")).to_contain_text("日照异议集中，风险中，终止")
    finally:
        desk.context.close()
