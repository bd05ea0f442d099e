"""Extensions of the handle stage's time limit: asked by the handler, decided by the centre."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import ProblemList
from gridgov.events.actions.step import _Step
from gridgov.events.models import Category
from gridgov.worktime.calendar import current_calendar

# The longest extension one request may ask for, per unit.
EXTENSION_LIMITS = {"day": 30, "hour": 240}


def extension_minutes(category: Category, amount: int, unit: str) -> int:
    """The category's minutes an extension of `amount` working days or hours adds: a working
    day is one day of office hours (or 24 hours where the category counts natural time), so
    "two days" moves a deadline two working days on, not 2880 office minutes (six days)."""
    if unit == "hour":
        return amount * 60
    if category.natural_time:
        return amount * 24 * 60
    day = date.min
    periods = current_calendar().hours.periods
    office = sum(
        (datetime.combine(day, end) - datetime.combine(day, start) for start, end in periods),
        timedelta(0),
    )
    return amount * round(office / timedelta(minutes=1))


def extension_checked(payload: dict[str, Any], problems: ProblemList) -> tuple[int, str] | None:
    """A number of working days or hours, within what one request may ask."""
    amount, unit = payload.get("amount"), payload.get("unit")
    if unit not in EXTENSION_LIMITS:
        problems.add(
            "bad_unit",
            _("Ask in working days or working hours."),
            field="payload.unit",
            item=str(unit),
        )
        return None
    limit = EXTENSION_LIMITS[str(unit)]
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= limit:
        problems.add(
            "bad_amount",
            _("Ask for 1 to %(n)d of the unit.") % {"n": limit},
            field="payload.amount",
        )
        return None
    return amount, str(unit)


def _request_extension(step: _Step) -> None:
    asked = extension_checked(step.payload, step.problems)
    if asked is not None:
        step.updates["extension_minutes"] = extension_minutes(step.event.category, *asked)


def _approve_extension(step: _Step) -> None:
    step.extend_by = step.event.extension_minutes
    step.updates["extension_minutes"] = None


def _reject_extension(step: _Step) -> None:
    step.updates["extension_minutes"] = None
