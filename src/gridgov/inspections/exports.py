"""The rectifications list and the hazard ledger as spreadsheets, with the pages' filters."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.exports.lists import Column, ListExport, Params, list_register
from gridgov.inspections import selectors
from gridgov.inspections.models import RectificationStatus
from gridgov.jurisdiction.selectors import node_get, scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rectification_rows(user: User, query: Params) -> Any:
    rows = selectors.rectifications_visible(user).order_by("due_at", "id")
    status = query.get("status", "")
    return rows.filter(status=status) if status in RectificationStatus.values else rows


def ledger_rows(user: User, query: Params) -> list[selectors.LedgerRow]:
    code = query.get("node", "")
    node = node_get(user, code) if code else scope_root(user)
    total, children = selectors.hazard_ledger(
        user,
        node,
        selectors.day_start(query.get("since", "")),
        selectors.day_start(query.get("until", "")),
    )
    return [total, *children]


RECTIFICATIONS = list_register(
    ListExport(
        name="inspections.rectifications",
        title=_("Rectifications"),
        columns=[
            Column(_("Venue"), lambda r: r.venue.name),
            Column(_("Venue kind"), lambda r: r.venue.kind.name),
            Column(_("Grid"), lambda r: r.grid.name),
            Column(_("Hazard"), lambda r: r.item_text),
            Column(_("Serious"), lambda r: _("yes") if r.serious else _("no")),
            Column(_("Status"), lambda r: r.get_status_display()),
            Column(_("Found at"), lambda r: _local(r.found_at)),
            Column(_("Rectify by"), lambda r: _local(r.due_at)),
            Column(_("Rectified at"), lambda r: _local(r.rectified_at)),
            Column(_("Event"), lambda r: r.event.number if r.event else ""),
        ],
        rows=rectification_rows,
    )
)

LEDGER = list_register(
    ListExport(
        name="inspections.ledger",
        title=_("Hazard ledger"),
        columns=[
            Column(_("Area"), lambda r: r.node.name),
            Column(_("Hazards found"), lambda r: r.found),
            Column(_("Rectified"), lambda r: r.rectified),
            Column(_("Overdue"), lambda r: r.overdue),
            Column(_("Being rectified"), lambda r: r.open),
            Column(
                _("Rectification rate"),
                lambda r: f"{r.rate * 100:.1f}%" if r.rate is not None else "",
            ),
        ],
        rows=ledger_rows,
    )
)
