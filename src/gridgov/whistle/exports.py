"""The whistles a dispatcher sees, open or closed as the list page shows them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.exports.lists import Column, ListExport, Params, list_register
from gridgov.whistle import selectors

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gridgov.accounts.models import User
    from gridgov.whistle.models import Whistle


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def whistle_rows(user: User, query: Params) -> QuerySet[Whistle]:
    state = query.get("open", "")
    chosen = {"1": True, "0": False}.get(state)
    return selectors.whistles_filtered(user, open=chosen).select_related("event", "node")


WHISTLES = list_register(
    ListExport(
        name="whistle.whistles",
        title=_("Whistle-and-report"),
        columns=[
            Column(_("Event"), lambda w: w.event.number),
            Column(_("Reason"), lambda w: w.get_reason_display()),
            Column(_("Subdistrict"), lambda w: w.node.name),
            Column(_("Blown at"), lambda w: _local(w.blown_at)),
            Column(_("Closed at"), lambda w: _local(w.closed_at)),
        ],
        rows=whistle_rows,
    )
)
