"""What the scorecard and ranking pages read from their query string, read the same way
by the pages and by their exports (gridgov.exports), so a file holds what the page shows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role
from gridgov.assessment.indicators import INDICATORS
from gridgov.assessment.models import UnitKind
from gridgov.core.errors import InvalidInput, Problem
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def current_start(period: str, today: date) -> date:
    if period == "day":
        return today
    if period == "quarter":
        return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return today.replace(day=1)


def period_args(params: Mapping[str, str]) -> tuple[str, date]:
    period = params.get("period", "month")
    raw = params.get("start", "")
    if not raw:
        return period, current_start(period, timezone.localdate())
    try:
        return period, date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("The start is a date like 2026-11-01."),
            problems=[Problem("bad_date", _("Not a date."), field="start", item=raw)],
        ) from None


def scorecard_args(user: User, params: Mapping[str, str]) -> dict[str, Any]:
    """The unit (the caller's own by default: a department handler's department) and period."""
    unit = params.get("unit", UnitKind.NODE)
    code = params.get("code", "")
    if not code:
        if user.role == Role.DEPARTMENT_HANDLER and user.department is not None:
            unit, code = UnitKind.DEPARTMENT, user.department.code
        else:
            code = scope_root(user).code
    period, start = period_args(params)
    return {"unit_kind": unit, "code": code, "period": period, "start": start}


def ranking_args(user: User, params: Mapping[str, str]) -> dict[str, Any]:
    """The units to rank (the level below the caller's by default), the indicator, period."""
    unit = params.get("unit", UnitKind.NODE)
    level_arg = params.get("level", "")
    level = int(level_arg) if level_arg.isdigit() else None
    if unit == UnitKind.NODE and level is None:
        level = min(scope_root(user).level + 1, Level.GRID)
    period, start = period_args(params)
    return {
        "unit_kind": unit,
        "indicator": params.get("indicator", INDICATORS[0].code),
        "period": period,
        "start": start,
        "level": level,
        "within": params.get("within", ""),
    }
