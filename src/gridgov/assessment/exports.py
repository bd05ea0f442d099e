"""A scorecard, with the period and unit of its page (gridgov.exports)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.assessment import selectors
from gridgov.assessment.models import UnitKind
from gridgov.assessment.views import _current_start, shown
from gridgov.core.errors import InvalidInput, Problem
from gridgov.exports.lists import Column, ListExport, Params, list_register
from gridgov.jurisdiction.selectors import scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def scorecard_rows(user: User, params: Params) -> list[selectors.Value]:
    unit, code = params.get("unit", UnitKind.NODE), params.get("code", "")
    if not code:
        if user.role == Role.DEPARTMENT_HANDLER and user.department is not None:
            unit, code = UnitKind.DEPARTMENT, user.department.code
        else:
            code = scope_root(user).code
    period = params.get("period", "month")
    try:
        start = (
            date.fromisoformat(params["start"])
            if params.get("start")
            else _current_start(period, timezone.localdate())
        )
    except ValueError:
        raise InvalidInput(
            _("The start is a date like 2026-11-01."),
            problems=[Problem("bad_date", _("Not a date."), field="start", item=params["start"])],
        ) from None
    card = selectors.scorecard(user, unit_kind=unit, code=code, period=period, start=start)
    return card.values


SCORECARD = list_register(
    ListExport(
        name="assessment.scorecard",
        title=_("Scorecard"),
        columns=[
            Column(_("Indicator"), lambda v: str(v.indicator.label)),
            Column(_("Value"), shown),
            Column(_("Numerator"), lambda v: v.numerator),
            Column(_("Denominator"), lambda v: v.denominator),
            Column(_("Formula"), lambda v: str(v.indicator.formula)),
        ],
        rows=scorecard_rows,
    )
)
