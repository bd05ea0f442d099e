"""Reads of field tasks and check-ins, every one scoped to the caller's tree (ADR 0020).

A task outside the caller's tree answers NotFound like a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.fieldwork.models import CheckIn, FieldTask
from gridgov.fieldwork.workflow import Status
from gridgov.jurisdiction.selectors import scope_of

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def tasks_visible(user: User) -> QuerySet[FieldTask]:
    return FieldTask.objects.visible_to(scope_of(user)).select_related("grid", "assignee")


def field_task_get(user: User, task_id: int) -> FieldTask:
    task = tasks_visible(user).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No such task."), code="task_not_found")
    return task


def tasks_of_worker(user: User) -> QuerySet[FieldTask]:
    """A worker's tasks: those assigned to them and those any worker of their area may do."""
    return tasks_visible(user).filter(Q(assignee=user) | Q(assignee__isnull=True))


def open_tasks_of_worker(user: User) -> QuerySet[FieldTask]:
    return tasks_of_worker(user).filter(status=Status.OPEN).order_by("due_at", "id")


def checkins_visible(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.visible_to(scope_of(user)).select_related("user", "node")


def last_checkin(user: User) -> CheckIn | None:
    return checkins_visible(user).filter(user=user).order_by("-at", "-id").first()
