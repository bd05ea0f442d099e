"""Exports: the page's filters, the caller's right, masking and revealing, large lists by task."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.events.workflow import Command, Status
from gridgov.exports.models import ExportJob, JobStatus
from gridgov.notifications.models import InboxItem
from gridgov.registry.tests.factories import ID_NUMBER, PHONE, make_records
from gridgov.testing.loop import Report, Walk, apply
from gridgov.whistle.actions import whistle_blow

pytestmark = pytest.mark.django_db

QUEUE = "/exports/lists/events.queue"


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_queue_exports_with_its_filters_and_is_audited(
    walk: Walk, loop_users: dict[str, User]
) -> None:
    dispatched = walk(Status.DISPATCHED)
    registered = walk(Status.REGISTERED)
    client = login(Client(), loop_users["dispatcher"])
    response = client.get(f"{QUEUE}?tab=all&status=dispatched&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="events.queue-')
    rows = csv_rows(response.content)
    assert rows[0][:3] == ["编号", "分类", "状态"]
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [dispatched.number]
    assert registered.number not in numbers
    entry = AuditEntry.objects.get(action="exports.export")
    assert entry.detail["filters"] == {"tab": "all", "status": "dispatched"}
    assert entry.detail["rows"] == 1
    # The page shows the total and the links keep its filters.
    page = client.get("/events/?tab=all&status=dispatched").content.decode()
    assert "共 1 条" in page
    assert f"{QUEUE}?tab=all&amp;status=dispatched&amp;format=xlsx" in page


def test_excel_cells_never_run_as_formulas(report: Report, loop_users: dict[str, User]) -> None:
    event = report(description='=HYPERLINK("http://evil","点我")')
    client = login(Client(), loop_users["grid_worker"])
    response = client.get(f"{QUEUE}?tab=mine&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == event.number
    assert rows[1][7] == '\'=HYPERLINK("http://evil","点我")'


def test_another_jurisdiction_exports_none_of_it(walk: Walk, users: dict[str, User]) -> None:
    event = walk(Status.DISPATCHED)
    client = login(Client(), users["sibling_dispatcher"])
    rows = csv_rows(client.get(f"{QUEUE}?tab=all&format=csv").content)
    assert event.number not in {r[0] for r in rows}


def test_a_bad_format_or_list_is_named(users: dict[str, User]) -> None:
    client = login(Client(), users["dispatcher"])
    response = client.get(f"{QUEUE}?tab=all&format=pdf")
    assert response.status_code == 422
    assert "请选择 Excel 或 CSV" in response.content.decode()
    assert client.get("/exports/lists/nothing?format=csv").status_code == 404


def test_a_large_list_is_written_by_a_task_and_its_owner_told(
    settings: Any,
    walk: Walk,
    loop_users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EXPORT_INLINE_MAX_ROWS = 1
    walk(Status.DISPATCHED)
    walk(Status.REGISTERED)
    client = login(Client(), loop_users["dispatcher"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{QUEUE}?tab=all&format=xlsx")
    assert response.status_code == 302
    assert response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert (job.status, job.rows) == (JobStatus.DONE, 2)
    item = InboxItem.objects.get(recipient=loop_users["dispatcher"], notice__kind="export_ready")
    assert item.notice.link == f"/exports/{job.pk}/download"
    assert "下载" in client.get("/exports/").content.decode()
    download = client.get(f"/exports/{job.pk}/download")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    assert sheet.max_row == 3
    assert AuditEntry.objects.filter(action="exports.download").count() == 1
    # Nobody else downloads it.
    other = login(Client(), loop_users["commander"])
    assert other.get(f"/exports/{job.pk}/download").status_code == 404


PEOPLE = "/exports/lists/registry.people"


def test_people_are_masked_and_revealed_only_with_the_right_and_a_purpose(
    users: dict[str, User],
) -> None:
    make_records(users["community_staff"])
    staff = login(Client(), users["community_staff"])
    masked = csv_rows(staff.get(f"{PEOPLE}?format=csv").content)
    assert ID_NUMBER not in str(masked)
    assert PHONE not in str(masked)
    assert "目标居民1" in str(masked)
    no_purpose = staff.post(f"{PEOPLE}?format=csv", {"purpose": " "})
    assert no_purpose.status_code == 422
    assert "请说明导出个人信息的用途" in no_purpose.content.decode()
    analyst = login(Client(), users["analyst"])
    refused = analyst.post(f"{PEOPLE}?format=csv", {"purpose": "统计"})
    assert refused.status_code == 422
    revealed = csv_rows(staff.post(f"{PEOPLE}?format=csv", {"purpose": "入户走访"}).content)
    assert ID_NUMBER in str(revealed)
    assert PHONE in str(revealed)
    entry = AuditEntry.objects.filter(action="exports.export").latest("id")
    assert (entry.detail["reveal"], entry.detail["purpose"]) == (True, "入户走访")
    # The grid's card offers the export, with the grid as its filter.
    card = staff.get("/registry/grids/320104001001001/").content.decode()
    assert f"{PEOPLE}?node=320104001001001&amp;format=xlsx" in card


def test_a_scorecard_exports(users: dict[str, User]) -> None:
    client = login(Client(), users["commander"])
    response = client.get("/exports/lists/assessment.scorecard?period=month&format=csv")
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert rows[0][0] == "指标"
    assert len(rows) > 1


def test_a_ranking_exports_the_units_of_its_page(users: dict[str, User]) -> None:
    client = login(Client(), users["commander"])
    page = client.get("/assessment/ranking/?indicator=closure_rate").content.decode()
    assert "/exports/lists/assessment.ranking?indicator=closure_rate&amp;format=xlsx" in page
    response = client.get("/exports/lists/assessment.ranking?indicator=closure_rate&format=csv")
    rows = csv_rows(response.content)
    assert rows[0][:2] == ["排名", "单位"]
    # The commander's district ranks its subdistricts: 320104001 and 320104002.
    assert len(rows) == 3


def test_whistles_and_verification_tasks_export(walk: Walk, loop_users: dict[str, User]) -> None:
    event = apply(loop_users, walk(Status.REPORTED), Command.REGISTER)
    whistle_blow(
        actor=loop_users["dispatcher"],
        event_number=event.number,
        reason="several_departments",
        department_codes=["320104-fire"],
    )
    client = login(Client(), loop_users["dispatcher"])
    assert "/exports/lists/whistle.whistles?format=xlsx" in client.get("/whistle/").content.decode()
    rows = csv_rows(client.get("/exports/lists/whistle.whistles?open=1&format=csv").content)
    assert [r[0] for r in rows[1:]] == [event.number]
    closed = csv_rows(client.get("/exports/lists/whistle.whistles?open=0&format=csv").content)
    assert len(closed) == 1
    worker = login(Client(), loop_users["grid_worker"])
    tasks = csv_rows(worker.get("/exports/lists/verification.tasks?format=csv").content)
    assert tasks[0][0] == "记录"
