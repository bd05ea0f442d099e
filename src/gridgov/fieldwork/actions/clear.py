"""Removing field work under a node: what the demo's reset does before the city's events,
people and nodes go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection, transaction

from gridgov.audit.actions import audit_record
from gridgov.core.append_only import triggers_lifted
from gridgov.core.scope import Scope
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
    area = Scope.within(code)
    tasks = FieldTask.objects.visible_to(area)
    deleted = 0
    for rows in (
        FieldDaily.objects.visible_to(area),
        WorkLog.objects.visible_to(area),
        CheckIn.objects.visible_to(area),
        Leave.objects.visible_to(area),
        ServiceEntry.objects.visible_to(area),
        Visit.objects.visible_to(area),
        CarePlan.objects.visible_to(area),
        PatrolCheck.objects.filter(patrol__in=Patrol.objects.visible_to(area)),
        Patrol.objects.visible_to(area),
        PatrolPlan.objects.visible_to(area),
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
