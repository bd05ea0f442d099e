from __future__ import annotations

from typing import Any

from gridgov.fieldwork.kinds import task_kind
from gridgov.inspections.models import Inspection, Rectification, RectificationStatus

ITEMS = ("extinguisher", "exit", "wiring", "no_living", "no_charging")


def form(**failed: str) -> dict[str, str]:
    data = {"checklist_version": "1", "note": ""}
    for code in ITEMS:
        data[f"item-{code}"] = "fail" if code in failed else "pass"
        data[f"note-{code}"] = failed.get(code, "")
    return data


def test_the_task_list_link_lands_on_the_form(due: Inspection, client_for: Any) -> None:
    worker = client_for("grid_worker")
    kind = task_kind("inspection")
    assert kind is not None
    page = worker.get(kind.url_for(due.field_task_id or 0), follow=True)
    assert page.status_code == 200
    assert "惠民小超市" in page.content.decode()
    assert "安全出口、疏散通道畅通" in page.content.decode()


def test_a_failed_item_on_the_form_opens_a_rectification(due: Inspection, client_for: Any) -> None:
    worker = client_for("grid_worker")
    home = worker.get("/inspections/").content.decode()
    assert f"/inspections/{due.pk}/" in home
    response = worker.post(f"/inspections/{due.pk}/", form(extinguisher="已过期"))
    assert response.status_code == 302
    rect = Rectification.objects.unscoped().get()
    assert (rect.status, rect.note) == (RectificationStatus.OPEN, "已过期")
    listing = worker.get("/inspections/rectifications/?status=open").content.decode()
    assert "灭火器配置到位且在有效期内" in listing


def test_an_unanswered_item_is_named_and_nothing_saved(due: Inspection, client_for: Any) -> None:
    data = form()
    del data["item-exit"]
    response = client_for("grid_worker").post(f"/inspections/{due.pk}/", data)
    assert response.status_code == 422
    due.refresh_from_db()
    assert due.status == "due"


def test_the_ledger_page_and_its_spreadsheet(due: Inspection, client_for: Any) -> None:
    client_for("grid_worker").post(f"/inspections/{due.pk}/", form(exit="堵塞"))
    staff = client_for("dispatcher")
    page = staff.get("/inspections/ledger/").content.decode()
    assert "北街道一社区" in page
    sheet = staff.get("/exports/lists/inspections.ledger?format=csv")
    assert sheet.status_code == 200
    assert "0.0%" in sheet.content.decode("utf-8-sig")
