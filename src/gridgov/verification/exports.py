"""A grid worker's verification tasks, as the task list shows them: titled by their record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.exports.lists import Column, ListExport, Params, list_register
from gridgov.verification import selectors

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def task_rows(user: User, query: Params) -> list[selectors.TaskRow]:
    return selectors.task_rows(selectors.tasks_for_worker(user))


TASKS = list_register(
    ListExport(
        name="verification.tasks",
        title=_("Verification tasks"),
        columns=[
            Column(_("Record"), lambda r: r.title),
            Column(_("Grid"), lambda r: r.task.grid.name),
            Column(_("Source"), lambda r: r.task.get_source_display()),
            Column(
                _("Created at"),
                lambda r: timezone.localtime(r.task.created_at).strftime("%Y-%m-%d %H:%M"),
            ),
            Column(_("Status"), lambda r: r.task.get_status_display()),
        ],
        rows=task_rows,
    )
)
