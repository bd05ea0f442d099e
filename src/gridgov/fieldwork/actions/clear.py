"""Removing field work under a node: what the demo's reset does before the city's events,
people and nodes go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Q

from gridgov.audit.actions import audit_record
from gridgov.core.append_only import triggers_lifted
from gridgov.fieldwork.models import (
    CarePlan,
    CheckIn,
    FieldDaily,
    FieldPhoto,
    FieldTask,
    FieldTaskTransition,
    Leave,
    Patrol,
    PatrolCheck,
    PatrolPlan,
    ServiceEntry,
    Visit,
    WorkLog,
)

if TYPE_CHECKING:
    from gridgov.accounts.models import User


@transaction.atomic
def fieldwork_clear_under(*, actor: User | None, code: str) -> int:
    """Every field-work row under a node code; returns how many went. The tasks' steps are
    append-only and go only with their tasks (gridgov.core.append_only), in one statement."""
    in_area = Q(grid__code__startswith=code)
    tasks = FieldTask.objects.unscoped().filter(in_area)
    deleted = 0
    for rows in (
        FieldDaily.objects.unscoped().filter(node__code__startswith=code),
        WorkLog.objects.unscoped().filter(node__code__startswith=code),
        CheckIn.objects.unscoped().filter(node__code__startswith=code),
        Leave.objects.unscoped().filter(worker__node__code__startswith=code),
        ServiceEntry.objects.unscoped().filter(in_area),
        Visit.objects.unscoped().filter(in_area),
        CarePlan.objects.unscoped().filter(in_area),
        PatrolCheck.objects.filter(patrol__grid__code__startswith=code),
        Patrol.objects.unscoped().filter(in_area),
        PatrolPlan.objects.unscoped().filter(in_area),
        FieldPhoto.objects.filter(task__in=tasks),
    ):
        deleted += rows.delete()[0]
    select, params = tasks.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(FieldTaskTransition._meta.db_table)
    with triggers_lifted(FieldTaskTransition), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE task_id IN ({select})", params)  # noqa: S608
        deleted += int(cursor.rowcount)
    deleted += tasks.delete()[0]
    audit_record(
        actor=actor, action="fieldwork.clear_under", detail={"code": code, "deleted": deleted}
    )
    return deleted
