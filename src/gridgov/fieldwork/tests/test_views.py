"""The pages, in Chinese: the worker's list, log, services and a visit; the centre's assign,
attendance, logs and figures; a hand-assigned task done from the phone's form."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.fieldwork.actions.visits import care_plan_save, visit_tasks_generate
from gridgov.fieldwork.models import CareCategory, FieldTask, ServiceEntry, WorkLog
from gridgov.fieldwork.tests.conftest import GRID
from gridgov.fieldwork.workflow import Status
from gridgov.registry.models import Person

ZH = {"Accept-Language": "zh-hans"}


def test_the_centre_assigns_and_the_worker_does_it_on_the_phone(people: dict[str, User]) -> None:
    staff = login(Client(), people["community_staff"])
    page = staff.get("/fieldwork/assign/", headers=ZH)
    assert "派发任务" in page.content.decode()
    sent = staff.post(
        "/fieldwork/assign/",
        {"grid": GRID, "assignee": "gw", "title": "查看5号楼消防通道", "note": "物业反映堵塞"},
        headers=ZH,
    )
    assert sent.status_code == 302
    task = FieldTask.objects.unscoped().get()
    worker = login(Client(), people["grid_worker"])
    listed = worker.get("/fieldwork/", headers=ZH).content.decode()
    assert "查看5号楼消防通道" in listed
    assert "上岗打卡" in listed
    refused = login(Client(), people["community_worker"]).post(
        f"/fieldwork/tasks/{task.pk}/", {"note": "代办"}, headers=ZH
    )
    assert refused.status_code == 403
    assert "这是其他网格员的任务" in refused.content.decode()
    done = worker.post(f"/fieldwork/tasks/{task.pk}/", {"note": "已清理通道"}, headers=ZH)
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == Status.DONE


def test_the_worker_logs_and_records_a_service(people: dict[str, User]) -> None:
    worker = login(Client(), people["grid_worker"])
    assert "提交今日日志" in worker.get("/fieldwork/log/", headers=ZH).content.decode()
    assert worker.post("/fieldwork/log/", {"notes": "巡查一次"}, headers=ZH).status_code == 302
    assert WorkLog.objects.unscoped().get().notes == "巡查一次"
    form = {"kind": "consultation", "grid": GRID, "person_name": "李四", "outcome": "done"}
    assert worker.post("/fieldwork/services/", form, headers=ZH).status_code == 302
    assert ServiceEntry.objects.unscoped().get().person_label == "李*"
    assert "政策咨询" in worker.get("/fieldwork/services/", headers=ZH).content.decode()


def test_a_visit_is_recorded_from_its_page(people: dict[str, User], person: Person) -> None:
    care_plan_save(
        actor=people["community_staff"],
        person=person,
        category=CareCategory.ELDERLY_ALONE,
        every_days=30,
    )
    visit_tasks_generate(day=timezone.localdate())
    task = FieldTask.objects.unscoped().get()
    worker = login(Client(), people["grid_worker"])
    page = worker.get(f"/fieldwork/tasks/{task.pk}/", headers=ZH)
    assert page.status_code == 302
    assert page["Location"] == f"/fieldwork/tasks/{task.pk}/visit/"
    assert "登记走访" in worker.get(page["Location"], headers=ZH).content.decode()
    sent = worker.post(page["Location"], {"met": "yes", "situation": "身体尚可"}, headers=ZH)
    assert sent.status_code == 302


def test_the_centre_pages_read_in_chinese(people: dict[str, User]) -> None:
    staff = login(Client(), people["community_staff"])
    for url, text in (
        ("/fieldwork/attendance/", "出勤率"),
        ("/fieldwork/logs/", "日志完整率"),
        ("/fieldwork/coverage/", "巡查覆盖率"),
    ):
        page = staff.get(url, headers=ZH)
        assert page.status_code == 200
        assert text in page.content.decode()
