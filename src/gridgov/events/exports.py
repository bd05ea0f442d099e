"""The event queues and their search, as the queue page filters them (gridgov.exports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.events import queues
from gridgov.exports.lists import Column, ListExport, Params, list_register

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def queue_rows(user: User, params: Params) -> Any:
    from gridgov.events.views import QueueFilterForm

    key = params.get("tab") or queues.queues_for(user)[0].key
    form = QueueFilterForm(dict(params))
    return queues.queue_events(user, key, form.filters()).select_related(
        "category", "node", "assigned_department"
    )


QUEUE = list_register(
    ListExport(
        name="events.queue",
        title=_("Events"),
        columns=[
            Column(_("Number"), lambda e: e.number),
            Column(_("Category"), lambda e: e.category.name),
            Column(_("Status"), lambda e: e.get_status_display()),
            Column(_("Grid"), lambda e: e.node.name),
            Column(
                _("Department"),
                lambda e: e.assigned_department.name if e.assigned_department else "",
            ),
            Column(_("Reported at"), lambda e: _local(e.created_at)),
            Column(_("Due at"), lambda e: _local(getattr(e, "due_at", None))),
            Column(_("Description"), lambda e: e.description),
            Column(_("Address"), lambda e: e.address),
            Column(_("Caller"), lambda e: e.caller_name_masked),
            Column(_("Caller phone"), lambda e: e.caller_phone_masked),
        ],
        rows=queue_rows,
    )
)
