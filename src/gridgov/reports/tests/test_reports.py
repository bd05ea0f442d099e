"""Reports for every level: the events' sections counted, the PDF's text extracted and read
back in Chinese, the workbook, the inbox, the morning fan-out and the scope of the pages."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from gridgov.accounts.models import User
from gridgov.departments.models import Department
from gridgov.events.models import Event
from gridgov.events.workflow import Status
from gridgov.notifications.models import InboxItem
from gridgov.reports import actions
from gridgov.reports.models import Report
from gridgov.reports.sections import _SECTIONS as SECTIONS
from gridgov.reports.sections import Period, Section, Unit, register_section
from gridgov.testing.loop import PATHS, apply
from gridgov.testing.loop import Report as MakeEvent
from gridgov.testing.tree import Tree

pytestmark = pytest.mark.django_db

LEVELS = ["3201", "320104", "320104001", "320104001001", "320104001001001"]


def walk_to(users: dict[str, User], event: Event, status: Status) -> Event:
    for command in PATHS[status]:
        event = apply(users, event, command)
    return event


@pytest.fixture
def today_events(report: MakeEvent, loop_users: dict[str, User]) -> list[Event]:
    """Three events today in the target grid: one closed in the grid, two still open."""
    events = [report() for _ in range(3)]
    walk_to(loop_users, events[0], Status.CLOSED)
    return events


def pdf_text(report: Report) -> str:
    with report.pdf.open("rb") as f:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)


def figures(report: Report, code: str) -> dict[str, Any]:
    section = next(s for s in report.sections if s["code"] == code)
    return dict(section["figures"])


@pytest.mark.parametrize("code", LEVELS)
def test_every_level_gets_its_report_with_a_readable_pdf(
    tree: Tree, today_events: list[Event], code: str, media: Path
) -> None:
    node = tree[code]
    made = actions.report_generate(node=node, period="day", start=timezone.localdate())
    assert made.title == f"日报 {timezone.localdate().isoformat()}：{node.name}"
    assert figures(made, "events")["收到"] == 3
    assert figures(made, "events")["已结案"] == 1
    text = pdf_text(made)
    assert node.name in text
    for words in ("事件", "收到", "已结案", "层级流转", "网格自行处置"):
        assert words in text, words
    # A sibling's tree saw none of it.
    sibling = actions.report_generate(node=tree["320105"], period="day", start=timezone.localdate())
    assert figures(sibling, "events")["收到"] == 0


def test_a_department_reads_what_was_sent_to_it(
    loop_users: dict[str, User], brigade: Department, today_events: list[Event], media: Path
) -> None:
    walk_to(loop_users, today_events[1], Status.ACCEPTED)
    made = actions.report_generate(department=brigade, period="week", start=timezone.localdate())
    assert figures(made, "events")["收到"] == 1
    assert brigade.name in pdf_text(made)
    assert InboxItem.objects.filter(
        recipient=loop_users["handler"], notice__link=f"/reports/{made.pk}/"
    ).exists()


def test_generating_twice_replaces_the_report_and_tells_once(
    tree: Tree, users: dict[str, User], today_events: list[Event], media: Path
) -> None:
    first = actions.report_generate(
        node=tree["320104001"], period="month", start=timezone.localdate()
    )
    again = actions.report_generate(
        node=tree["320104001"], period="month", start=timezone.localdate()
    )
    assert first.pk == again.pk
    assert Report.objects.unscoped().count() == 1
    assert InboxItem.objects.filter(recipient=users["dispatcher"]).count() == 1


def test_the_flow_section_counts_steps_between_levels(
    tree: Tree, loop_users: dict[str, User], today_events: list[Event], media: Path
) -> None:
    walk_to(loop_users, today_events[1], Status.DISPATCHED)
    made = actions.report_generate(node=tree["320104"], period="day", start=timezone.localdate())
    flow = next(s for s in made.sections if s["code"] == "flow")
    steps = {row[0]: row[1] for row in flow["table"]["rows"]}
    assert steps["网格自行处置"] == 1
    assert steps["派遣"] == 1


def test_a_package_above_plugs_its_own_section_in(tree: Tree, media: Path) -> None:
    def extra(unit: Unit, period: Period) -> Section:
        return Section(code="extra", title="附加统计", figures=[("附加次数", 12)])

    register_section("extra", "附加统计", extra, order=999)
    try:
        made = actions.report_generate(
            node=tree["320104"], period="day", start=timezone.localdate()
        )
    finally:
        SECTIONS.pop("extra")
    assert [s["code"] for s in made.sections] == [
        "events", "flow", "indices", "patrols", "assessment", "hazards", "notices", "extra"
    ]  # fmt: skip
    assert "附加次数" in pdf_text(made)


def test_the_morning_queues_a_report_per_unit(
    tree: Tree, loop_users: dict[str, User], media: Path
) -> None:
    monday = date(2026, 12, 7)
    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = actions.reports_fan_out(today=monday)
    nodes, departments = actions.report_units()
    assert queued == 2 * (len(nodes) + len(departments))
    reports = Report.objects.unscoped()
    assert reports.filter(period="day", start=monday - timedelta(days=1)).count() == len(
        nodes
    ) + len(departments)
    assert reports.filter(period="week", start=date(2026, 11, 30)).count() == len(nodes) + len(
        departments
    )


def test_pages_pdf_and_workbook(
    tree: Tree, client_for: Any, today_events: list[Event], media: Path
) -> None:
    made = actions.report_generate(node=tree["320104001"], period="day", start=timezone.localdate())
    client: Client = client_for("dispatcher")
    assert made.title in client.get("/reports/").content.decode()
    page = client.get(f"/reports/{made.pk}/").content.decode()
    assert "收到" in page
    assert "层级流转" in page
    pdf = client.get(f"/reports/{made.pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    book = load_workbook(io.BytesIO(client.get(f"/reports/{made.pk}/xlsx").content))
    assert book.sheetnames[:3] == ["事件", "层级流转", "指数"]
    assert book["事件"]["A2"].value == "收到"
    api = client.get(f"/api/v1/reports/reports/{made.pk}").json()
    assert api["sections"][0]["code"] == "events"
    far: Client = client_for("sibling_dispatcher")
    assert far.get(f"/reports/{made.pk}/").status_code == 404
    assert far.get(f"/api/v1/reports/reports/{made.pk}").status_code == 404
