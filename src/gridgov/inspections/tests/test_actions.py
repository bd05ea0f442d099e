from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.events.models import Event
from gridgov.fieldwork.models import FieldTask
from gridgov.inspections import actions
from gridgov.inspections.actions import Answer
from gridgov.inspections.models import (
    Checklist,
    Inspection,
    InspectionStatus,
    ItemResult,
    Rectification,
    RectificationStatus,
    Venue,
)
from gridgov.inspections.tests.conftest import make_shop
from gridgov.notifications.models import InboxItem
from gridgov.registry import actions as registry
from gridgov.testing.images import PNG

SHOP_ITEMS = ("extinguisher", "exit", "wiring", "no_living", "no_charging")


def answers(**failed: str) -> list[Answer]:
    """Every small-shop item passed except those named (with their note)."""
    return [Answer(code, code not in failed, failed.get(code, "")) for code in SHOP_ITEMS]


def test_shipped_kinds_and_checklists(kinds: None) -> None:
    assert Checklist.objects.filter(version=1).count() == 6
    again = actions.kinds_load(actor=None)
    assert {c.version for c in again} == {1}  # unchanged data publishes nothing new


def test_only_a_system_admin_defines_checklists(kinds: None, users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        actions.checklist_publish(actor=users["dispatcher"], kind_code="small_shop", items=[])


def test_bad_checklist_names_every_problem(kinds: None, users: dict[str, User]) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.checklist_publish(
            actor=users["system_admin"],
            kind_code="small_shop",
            items=[
                {"code": "a", "text": "x"},
                {"code": "a", "text": ""},
                {"code": "b", "text": "y", "serious": True, "category": "9999"},
            ],
        )
    codes = [p.code for p in caught.value.problems]
    assert codes == ["duplicate_item", "required", "unknown_category"]
    assert Checklist.objects.filter(kind__code="small_shop").count() == 1


def test_flagging_twice_is_one_venue(kinds: None, users: dict[str, User]) -> None:
    venue = make_shop(users["community_staff"])
    assert make_shop(users["community_staff"]) == venue
    assert Venue.objects.unscoped().count() == 1


def test_a_home_kind_flags_homes_only(shop: Venue, users: dict[str, User]) -> None:
    with pytest.raises(InvalidInput):
        actions.venue_flag(
            actor=users["community_staff"],
            kind_code="rental_home",
            organisation_id=shop.organisation_id,
        )
    home = registry.home_upsert(
        actor=users["community_staff"], address="目标路2号301室", grid_code="320104001001001"
    )
    venue = actions.venue_flag(actor=users["grid_worker"], kind_code="rental_home", home_id=home.pk)
    assert venue.name == "目标路2号301室"


def test_a_sibling_cannot_flag_a_record_it_does_not_see(
    shop: Venue, users: dict[str, User]
) -> None:
    with pytest.raises(NotFound):
        actions.venue_flag(
            actor=users["sibling_dispatcher"],
            kind_code="small_restaurant",
            organisation_id=shop.organisation_id,
        )


def test_schedule_is_idempotent_and_per_period(shop: Venue) -> None:
    first = actions.inspections_schedule(today=date(2026, 12, 7))
    again = actions.inspections_schedule(today=date(2026, 12, 8))
    assert (first.created, again.created) == (1, 0)
    due = Inspection.objects.unscoped().get()
    # A monthly kind's period is 30 days from 2026-01-01: 2026-11-27 to 2026-12-26.
    assert timezone.localtime(due.due_at).date() == date(2026, 12, 26)
    assert actions.inspections_schedule(today=date(2026, 12, 27)).created == 1


def test_all_passed_opens_nothing(due: Inspection, users: dict[str, User]) -> None:
    done = actions.inspection_record(
        actor=users["grid_worker"], inspection_id=due.pk, answers=answers(), checklist_version=1
    )
    assert done.status == InspectionStatus.DONE
    assert done.passed
    assert done.checklist is not None
    assert done.checklist.version == 1
    assert not Rectification.objects.unscoped().exists()
    assert AuditEntry.objects.filter(action="inspections.record").count() == 1


def test_failed_item_opens_a_rectification_and_a_reinspection(
    due: Inspection, users: dict[str, User]
) -> None:
    actions.inspection_record(
        actor=users["grid_worker"],
        inspection_id=due.pk,
        answers=answers(extinguisher="灭火器过期"),
        photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png")],
        lon=118.1,
        lat=31.7,
    )
    rect = Rectification.objects.unscoped().get()
    assert (rect.status, rect.item_code, rect.serious, rect.event) == (
        RectificationStatus.OPEN,
        "extinguisher",
        False,
        None,
    )
    assert rect.due_at > rect.found_at + timedelta(days=4)  # five working days
    again = Inspection.objects.unscoped().get(rectification=rect)
    assert again.due_at == rect.due_at
    assert again.status == InspectionStatus.DUE
    assert due.photos.count() == 1


def test_serious_item_becomes_a_linked_event(due: Inspection, users: dict[str, User]) -> None:
    actions.inspection_record(
        actor=users["grid_worker"], inspection_id=due.pk, answers=answers(wiring="私拉电线")
    )
    rect = Rectification.objects.unscoped().get()
    assert rect.serious
    assert rect.event is not None
    event = Event.objects.unscoped().get(pk=rect.event.pk)
    assert event.category.code == "0404"
    assert "惠民小超市" in event.description
    assert event.grid is not None
    assert event.grid.code == "320104001001001"


def test_reinspection_passed_rectifies(due: Inspection, users: dict[str, User]) -> None:
    worker = users["grid_worker"]
    actions.inspection_record(actor=worker, inspection_id=due.pk, answers=answers(exit="堵塞"))
    rect = Rectification.objects.unscoped().get()
    first = Inspection.objects.unscoped().get(rectification=rect)
    actions.inspection_record(actor=worker, inspection_id=first.pk, answers=[Answer("exit", False)])
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.OPEN
    second = Inspection.objects.unscoped().get(rectification=rect, status=InspectionStatus.DUE)
    actions.inspection_record(actor=worker, inspection_id=second.pk, answers=[Answer("exit", True)])
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.RECTIFIED
    assert rect.rectified_at is not None
    assert [t.command for t in rect.transitions.all()] == ["open", "fail", "pass"]


def test_sweep_marks_overdue_once_and_a_late_pass_still_rectifies(
    due: Inspection, users: dict[str, User]
) -> None:
    actions.inspection_record(
        actor=users["grid_worker"], inspection_id=due.pk, answers=answers(no_living="住人")
    )
    rect = Rectification.objects.unscoped().get()
    later = rect.due_at + timedelta(minutes=1)
    assert actions.rectifications_sweep(later) == 1
    assert actions.rectifications_sweep(later) == 0
    told = InboxItem.objects.filter(notice__kind="rectification_overdue")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["cs", "gw"]
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.OVERDUE
    assert rect.overdue_at == later
    check = Inspection.objects.unscoped().get(rectification=rect)
    actions.inspection_record(
        actor=users["grid_worker"], inspection_id=check.pk, answers=[Answer("no_living", True)]
    )
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.RECTIFIED


def test_cancel_needs_a_reason_and_a_centre_role(due: Inspection, users: dict[str, User]) -> None:
    actions.inspection_record(
        actor=users["grid_worker"], inspection_id=due.pk, answers=answers(exit="x")
    )
    rect = Rectification.objects.unscoped().get()
    with pytest.raises(PermissionDenied):
        actions.rectification_apply(
            actor=users["grid_worker"], rectification_id=rect.pk, command="cancel", note="x"
        )
    with pytest.raises(InvalidInput):
        actions.rectification_apply(
            actor=users["community_staff"], rectification_id=rect.pk, command="cancel"
        )
    actions.rectification_apply(
        actor=users["community_staff"],
        rectification_id=rect.pk,
        command="cancel",
        note="店铺已关闭",
    )
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.CANCELLED
    assert (
        not Inspection.objects.unscoped()
        .filter(rectification=rect, status=InspectionStatus.DUE)
        .exists()
    )
    with pytest.raises(Conflict):
        actions.rectification_apply(
            actor=users["community_staff"], rectification_id=rect.pk, command="cancel", note="再次"
        )


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (answers()[:-1], "unanswered"),
        ([*answers(), Answer("ghost", True)], "unknown_item"),
        ([*answers(), Answer("exit", True)], "duplicate_item"),
    ],
)
def test_bad_answers_write_nothing(
    due: Inspection, users: dict[str, User], given: list[Answer], problem: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.inspection_record(actor=users["grid_worker"], inspection_id=due.pk, answers=given)
    assert problem in [p.code for p in caught.value.problems]
    due.refresh_from_db()
    assert due.status == InspectionStatus.DUE
    assert not ItemResult.objects.exists()


def test_a_checklist_changed_meanwhile_is_a_conflict(
    due: Inspection, users: dict[str, User]
) -> None:
    actions.checklist_publish(
        actor=users["system_admin"],
        kind_code="small_shop",
        items=[{"code": "extinguisher", "text": "灭火器在有效期内"}],
    )
    with pytest.raises(Conflict):
        actions.inspection_record(
            actor=users["grid_worker"], inspection_id=due.pk, answers=answers(), checklist_version=1
        )
    done = actions.inspection_record(
        actor=users["grid_worker"],
        inspection_id=due.pk,
        answers=[Answer("extinguisher", True)],
        checklist_version=2,
    )
    assert done.checklist is not None
    assert done.checklist.version == 2
    assert (
        Checklist.objects.get(kind__code="small_shop", version=1).items[0]["code"] == "extinguisher"
    )


def test_another_workers_inspection_is_refused(
    due: Inspection, users: dict[str, User], tree: Any
) -> None:
    Inspection.objects.unscoped().filter(pk=due.pk).update(assignee=users["community_staff"])
    with pytest.raises(PermissionDenied):
        actions.inspection_record(
            actor=users["grid_worker"], inspection_id=due.pk, answers=answers()
        )


def test_a_sibling_cannot_record(due: Inspection, users: dict[str, User]) -> None:
    from gridgov.testing.users import make_user

    far = make_user("gw2", "grid_worker", node=users["sibling_dispatcher"].node)
    with pytest.raises(NotFound):
        actions.inspection_record(actor=far, inspection_id=due.pk, answers=answers())


def test_unflag_cancels_the_due_inspection(due: Inspection, users: dict[str, User]) -> None:
    actions.venue_unflag(actor=users["community_staff"], venue_id=due.venue_id)
    due.refresh_from_db()
    assert due.status == InspectionStatus.CANCELLED
    assert actions.inspections_schedule().created == 0


def test_each_inspection_is_a_field_task_completed_by_the_record(
    due: Inspection, users: dict[str, User]
) -> None:
    task = FieldTask.objects.unscoped().get(source_key=due.source_key)
    assert due.field_task_id == task.pk
    assert (task.kind, task.status, task.target_label) == ("inspection", "open", "惠民小超市")
    assert actions.inspections_schedule().created == 0
    assert FieldTask.objects.unscoped().count() == 1
    actions.inspection_record(
        actor=users["grid_worker"], inspection_id=due.pk, answers=answers(exit="堵塞")
    )
    task.refresh_from_db()
    assert task.status == "done"
    again = FieldTask.objects.unscoped().get(kind="reinspection")
    assert again.status == "open"
    rect = Rectification.objects.unscoped().get()
    actions.rectification_apply(
        actor=users["community_staff"], rectification_id=rect.pk, command="cancel", note="关闭"
    )
    again.refresh_from_db()
    assert again.status == "cancelled"
