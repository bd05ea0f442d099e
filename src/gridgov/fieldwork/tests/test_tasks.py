"""The field task through its actions: create (once per key), fan out, complete, cancel,
report a finding, and the refusals the issue lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.core.append_only import AppendOnlyError
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.events.models import Event
from gridgov.fieldwork.actions import (
    TaskSpec,
    field_task_cancel,
    field_task_complete,
    field_task_report_finding,
    field_tasks_create_many,
)
from gridgov.fieldwork.kinds import register_task_kind, task_kind
from gridgov.fieldwork.models import FieldPhoto, FieldTask, FieldTaskTransition
from gridgov.fieldwork.selectors import field_task_get, open_tasks_of_worker
from gridgov.fieldwork.tests.conftest import GRID, OTHER_GRID, MakeTask
from gridgov.fieldwork.workflow import Status
from gridgov.notifications.models import Notice
from gridgov.testing.images import JPEG
from gridgov.testing.tree import HERE, Tree
from gridgov.worktime.calendar import deadline


def test_a_task_is_due_in_the_kinds_working_time_and_made_once_per_key(
    make_task: MakeTask,
) -> None:
    before = timezone.now()
    task = make_task(source_key="community:1")
    again = make_task(source_key="community:1", title="另一个标题")
    assert again.pk == task.pk
    assert FieldTask.objects.unscoped().count() == 1
    assert task.status == Status.OPEN
    expected = deadline(before, 3 * 8 * 60, natural=False)
    assert abs((task.due_at - expected).total_seconds()) < 5
    assert AuditEntry.objects.filter(action="fieldwork.task_create").count() == 1


def test_only_a_centre_assigns_and_only_in_its_tree(
    make_task: MakeTask, people: dict[str, User], tree: Tree
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        make_task(actor=people["grid_worker"])
    assert refused.value.code == "not_assigner"
    with pytest.raises(PermissionDenied) as outside:
        make_task(actor=people["sibling_dispatcher"])
    assert outside.value.code == "outside_scope"


def test_bad_input_is_reported_together(
    make_task: MakeTask, people: dict[str, User], tree: Tree
) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_task(kind="nonsense", title=" ", assignee=people["other_worker"])
    codes = {p.code for p in refused.value.problems}
    assert codes == {"unknown_kind", "required", "not_grid_worker"}
    with pytest.raises(InvalidInput) as not_grid:
        make_task(grid=tree["320104001001"])
    assert [p.code for p in not_grid.value.problems] == ["not_a_grid"]
    assert not FieldTask.objects.unscoped().exists()


def test_fan_out_is_idempotent_and_chunked(tree: Tree) -> None:
    due = timezone.now() + timedelta(days=3)
    specs = [
        TaskSpec(
            kind="visit",
            title=f"走访 {i}",
            grid_id=tree[GRID if i % 2 else OTHER_GRID].pk,
            source_key=f"test:{i}",
            due_at=due,
        )
        for i in range(25)
    ]
    assert field_tasks_create_many(actor=None, specs=specs, chunk_size=10) == 25
    assert field_tasks_create_many(actor=None, specs=specs, chunk_size=7) == 0
    assert FieldTask.objects.unscoped().count() == 25
    assert AuditEntry.objects.filter(action="fieldwork.tasks_create_many").count() == 3


def test_the_worker_completes_with_a_point_and_photos(
    make_task: MakeTask, people: dict[str, User]
) -> None:
    task = make_task()
    assert list(open_tasks_of_worker(people["grid_worker"])) == [task]
    photo = SimpleUploadedFile("after.jpg", JPEG, content_type="image/jpeg")
    done = field_task_complete(
        actor=people["grid_worker"],
        task=task,
        result={"cleared": True},
        note="已清理",
        lon=HERE[0],
        lat=HERE[1],
        photos=[photo],
    )
    assert done.status == Status.DONE
    assert done.done_at is not None
    assert done.done_by == people["grid_worker"]
    assert done.result == {"cleared": True}
    assert done.version == 2
    assert FieldPhoto.objects.filter(task=task).count() == 1
    step = FieldTaskTransition.objects.get(task=task)
    assert (step.from_status, step.to_status) == (Status.OPEN, Status.DONE)
    with pytest.raises(AppendOnlyError):
        step.delete()
    assert not open_tasks_of_worker(people["grid_worker"]).exists()
    with pytest.raises(Conflict) as again:
        field_task_complete(actor=people["grid_worker"], task=task)
    assert again.value.status == 409


def test_a_result_for_another_workers_task_is_refused(
    make_task: MakeTask, people: dict[str, User]
) -> None:
    named = make_task(assignee=people["community_worker"])
    with pytest.raises(PermissionDenied) as refused:
        field_task_complete(actor=people["grid_worker"], task=named)
    assert refused.value.code == "not_your_task"
    with pytest.raises(PermissionDenied):
        field_task_complete(actor=people["other_worker"], task=make_task())
    # A worker of the whole community may do any of its grids' unnamed tasks.
    assert field_task_complete(actor=people["community_worker"], task=named).status == "done"


def test_the_task_is_invisible_outside_its_tree(
    make_task: MakeTask, people: dict[str, User]
) -> None:
    task = make_task()
    with pytest.raises(NotFound):
        field_task_get(people["sibling_dispatcher"], task.pk)
    assert field_task_get(people["dispatcher"], task.pk) == task
    assert not open_tasks_of_worker(people["other_worker"]).exists()


def test_cancel_needs_a_reason_and_ends_the_task(
    make_task: MakeTask, people: dict[str, User]
) -> None:
    task = make_task()
    with pytest.raises(InvalidInput):
        field_task_cancel(actor=people["community_staff"], task=task, reason=" ")
    cancelled = field_task_cancel(actor=people["community_staff"], task=task, reason="已不需要")
    assert cancelled.status == Status.CANCELLED
    assert cancelled.cancelled_at is not None


@pytest.mark.usefixtures("catalogue")
def test_a_finding_becomes_an_event_linked_to_the_task(
    make_task: MakeTask, people: dict[str, User]
) -> None:
    task = make_task()
    event = field_task_report_finding(
        actor=people["grid_worker"],
        task=task,
        category_code="0401",
        description="楼道堆放杂物堵塞通道",
        lon=HERE[0],
        lat=HERE[1],
        extra={"building": "3栋"},
    )
    task.refresh_from_db()
    assert task.event == event
    assert task.status == Status.OPEN
    assert Event.objects.unscoped().filter(pk=event.pk, reporter=people["grid_worker"]).exists()
    with pytest.raises(Conflict):
        field_task_report_finding(
            actor=people["grid_worker"],
            task=task,
            category_code="0401",
            description="再报一次",
            lon=HERE[0],
            lat=HERE[1],
            extra={"building": "3栋"},
        )


def test_a_domain_registers_its_kind_with_its_result_form() -> None:
    kind = register_task_kind("test_kind", "测试", lambda pk: f"/x/{pk}/")
    assert task_kind("test_kind") == kind
    assert kind.url_for(7) == "/x/7/"


def test_a_task_handed_out_tells_its_worker(make_task: MakeTask, people: dict[str, User]) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        task = make_task(assignee=people["grid_worker"])
    notice = Notice.objects.get(key=f"fieldwork.task:{task.pk}:assigned")
    assert list(notice.inbox.values_list("recipient", flat=True)) == [people["grid_worker"].pk]
    assert notice.link == f"/fieldwork/tasks/{task.pk}/"
