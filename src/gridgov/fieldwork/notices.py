"""What field work tells grid workers, through gridgov.notifications.

Hook (one line in fieldwork.actions.tasks.field_task_create): `notices.assigned(task)`, for a
task a centre hands out by hand; generated tasks (patrols, visits, a campaign's fan-out)
appear in the list without a notice each."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import Role
from gridgov.fieldwork.kinds import task_kind
from gridgov.fieldwork.models import FieldTask
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register

TASK_ASSIGNED = "field_task"
kind_register(TASK_ASSIGNED, gettext_lazy("field task assigned to me"))


def assigned(task: FieldTask) -> None:
    """The named worker, or every grid worker placed on the grid or its community."""
    if task.assignee_id is not None:
        recipients = [task.assignee_id]
    else:
        nodes = [task.grid_id, task.grid.parent_id or task.grid_id]
        recipients = list(
            get_user_model()
            ._default_manager.filter(node_id__in=nodes, role=Role.GRID_WORKER, is_active=True)
            .values_list("pk", flat=True)
        )
    kind = task_kind(task.kind)
    due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=TASK_ASSIGNED,
            key=f"fieldwork.task:{task.pk}:assigned",
            title=_("New task: %(title)s, due %(due)s") % {"title": task.title, "due": due},
            body=task.note,
            link=kind.url_for(task.pk) if kind is not None else "",
            recipients=recipients,
            data={"task": task.pk, "kind": task.kind},
        )
