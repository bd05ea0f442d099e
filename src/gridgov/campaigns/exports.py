"""A campaign's answers and its counts per grid, as the campaign page shows them.

The answers' column lists each field of the answer's own version (label: value), so rows
given on different versions sit in one sheet without a column meaning two things; free
text passes through redact, as it leaves the platform."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from gridgov.campaigns import selectors
from gridgov.core.crypto import redact
from gridgov.core.errors import NotFound
from gridgov.exports.lists import Column, ListExport, Params, list_register

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gridgov.accounts.models import User
    from gridgov.campaigns.models import Answer, Campaign


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _campaign(user: User, query: Params) -> Campaign:
    raw = query.get("campaign", "")
    if not raw.isdigit():
        raise NotFound(_("No such campaign."), code="campaign_not_found")
    return selectors.campaign_get(user, int(raw))


def _shown(value: Any) -> str:
    if value is True:
        return _gettext("yes")
    if value is False:
        return _gettext("no")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return redact(str(value))


def answer_text(answer: Answer) -> str:
    """Each answered field of the answer's version as "label: value", or the call's result."""
    if answer.call_result:
        return answer.call_result
    labels = {f["name"]: f["label"] for f in answer.form_version.definition["fields"]}
    return "；".join(
        f"{labels.get(name, name)}: {_shown(value)}" for name, value in answer.values.items()
    )


def answer_rows(user: User, query: Params) -> Iterable[Answer]:
    campaign = _campaign(user, query)
    return (
        selectors.answers_visible(user)
        .filter(campaign=campaign)
        .order_by("target__grid__code", "id")
    )


ANSWERS = list_register(
    ListExport(
        name="campaigns.answers",
        title=_("Campaign answers"),
        columns=[
            Column(_("Grid"), lambda a: a.target.grid.name),
            Column(_("Target"), lambda a: a.target.label),
            Column(_("Channel"), lambda a: a.get_channel_display()),
            Column(_("Answered at"), lambda a: _local(a.answered_at)),
            Column(_("Answered by"), lambda a: str(a.answered_by or "")),
            Column(_("Form version"), lambda a: a.form_version.number),
            Column(_("Answers"), answer_text),
        ],
        rows=answer_rows,
    )
)


def grid_rows(user: User, query: Params) -> list[selectors.GridCount]:
    return selectors.grid_counts(user, _campaign(user, query))


GRIDS = list_register(
    ListExport(
        name="campaigns.grids",
        title=_("Campaign progress by grid"),
        columns=[
            Column(_("Grid"), lambda g: g.name),
            Column(_("Targets"), lambda g: g.total),
            Column(_("Done"), lambda g: g.done),
            Column(_("Not done"), lambda g: g.undone),
            Column(_("By the call robot"), lambda g: g.called),
            Column(_("Done (%)"), lambda g: g.percent),
        ],
        rows=grid_rows,
    )
)
