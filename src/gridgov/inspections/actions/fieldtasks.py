"""Inspections on the grid worker's one task list (gridgov.fieldwork, ADR 0026).

Every inspection has a FieldTask with the same source key: the task list shows it and links
to this package's result form by the task's id; recording the inspection completes the task,
and an inspection cancelled cancels it. Fan-out goes through fieldwork's idempotent bulk
creator, so a rerun of the schedule makes no task twice either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridgov.fieldwork.actions import (
    TaskSpec,
    field_task_cancel,
    field_task_complete,
    field_tasks_create_many,
)
from gridgov.fieldwork.kinds import register_task_kind
from gridgov.fieldwork.models import FieldTask
from gridgov.fieldwork.models import TargetKind as TaskTarget
from gridgov.fieldwork.workflow import Status as TaskStatus
from gridgov.inspections.models import Inspection, InspectionStatus, Target

if TYPE_CHECKING:
    from gridgov.accounts.models import User

INSPECTION = "inspection"
REINSPECTION = "reinspection"


def register_kinds() -> None:
    register_task_kind(INSPECTION, _("inspection of a venue"), "inspections:task")
    register_task_kind(REINSPECTION, _("re-inspection of a hazard"), "inspections:task")


def _spec(inspection: Inspection) -> TaskSpec:
    venue = inspection.venue
    is_home = venue.kind.target == Target.HOME
    if inspection.rectification_id is None:
        kind, title = INSPECTION, gettext("%(kind)s inspection: %(venue)s")
    else:
        kind, title = REINSPECTION, gettext("Re-inspection (%(kind)s): %(venue)s")
    return TaskSpec(
        kind=kind,
        title=(title % {"kind": venue.kind.name, "venue": venue.name})[:200],
        grid_id=inspection.grid_id,
        source_key=inspection.source_key,
        due_at=inspection.due_at,
        assignee_id=inspection.assignee_id,
        target_kind=TaskTarget.HOME if is_home else TaskTarget.ORGANISATION,
        target_id=venue.home_id if is_home else venue.organisation_id,
        target_label=venue.name[:200],
    )


def tasks_open(inspections: Iterable[Inspection]) -> int:
    """The field tasks of inspections that have none yet, linked back by source key; returns
    how many tasks were new."""
    rows = [i for i in inspections if i.field_task_id is None]
    if not rows:
        return 0
    made = field_tasks_create_many(actor=None, specs=(_spec(i) for i in rows))
    # One UPDATE joining on the source key, rather than a CASE per row.
    Inspection.objects.unscoped().filter(pk__in=[i.pk for i in rows]).update(
        field_task_id=Subquery(
            FieldTask.objects.unscoped().filter(source_key=OuterRef("source_key")).values("pk")[:1]
        )
    )
    return made


def tasks_open_missing(chunk: int = 2000) -> int:
    """Every due inspection still without its task (a schedule run that stopped half-way),
    in order of id, each chunk once."""
    made, last = 0, 0
    while True:
        rows = list(
            Inspection.objects.unscoped()
            .filter(status=InspectionStatus.DUE, field_task__isnull=True, pk__gt=last)
            .select_related("venue__kind")
            .order_by("pk")[:chunk]
        )
        if not rows:
            return made
        made += tasks_open(rows)
        last = rows[-1].pk


def task_complete(actor: User, inspection: Inspection) -> None:
    if inspection.field_task_id is None:
        return
    task = FieldTask.objects.unscoped().get(pk=inspection.field_task_id)
    field_task_complete(
        actor=actor,
        task=task,
        result={"inspection": inspection.pk, "passed": inspection.passed},
        note=inspection.note,
        lon=inspection.lon,
        lat=inspection.lat,
    )


def tasks_cancel(task_ids: Iterable[int | None], reason: str) -> None:
    for task in FieldTask.objects.unscoped().filter(
        pk__in=[t for t in task_ids if t is not None], status=TaskStatus.OPEN
    ):
        field_task_cancel(actor=None, task=task, reason=reason)
