"""The dispatcher's one click: send the nearest on-duty worker to an event, as a field task
of theirs linked to the event (gridgov.fieldwork), once per event and worker."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.core.scope import Scope
from gridgov.events.models import Event
from gridgov.fieldwork.actions import field_task_complete, field_task_create
from gridgov.fieldwork.models import FieldTask
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import scope_of

TASK_KIND = "command_dispatch"


@transaction.atomic
def worker_assign(*, actor: User, event: Event, worker_id: int) -> FieldTask:
    """A task for the worker on their grid, pointing at the event; the same click twice makes
    one task. The worker must be a grid worker of the actor's jurisdiction."""
    worker = (
        User.objects.visible_to(scope_of(actor))
        .select_related("node")
        .filter(pk=worker_id, role=Role.GRID_WORKER, is_active=True)
        .first()
    )
    if worker is None or worker.node is None:
        raise NotFound(_("No such grid worker."), code="worker_not_found")
    grid = worker.node if worker.node.level == Level.GRID else event.grid
    if grid is None or not Scope.under(worker.node).covers(grid.code):
        raise InvalidInput(_("The worker has no grid to be sent from."), code="worker_without_grid")
    task = field_task_create(
        actor=actor,
        kind=TASK_KIND,
        title=str(_("Go to event %(number)s")) % {"number": event.number},
        grid=grid,
        assignee=worker,
        target_label=event.address or event.node.name,
        source_key=f"command.assign:{event.pk}:{worker.pk}",
        note=event.description[:500],
        event=event,
    )
    audit_record(
        actor=actor,
        action="command.worker_assign",
        target=task,
        detail={"event": event.number, "worker": worker.pk},
    )
    return task


@transaction.atomic
def assignment_done(*, actor: User, task: FieldTask, note: str) -> FieldTask:
    """The worker reports back from the event; fieldwork checks it is their task."""
    return field_task_complete(actor=actor, task=task, note=note)
