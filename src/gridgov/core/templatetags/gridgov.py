"""Small display filters the page templates share."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A 0–1 share as a whole percentage; overlaps below one percent still show."""
    if share is None:
        return ""
    value = share * 100
    return f"{value:.0f}%" if value >= 1 or value == 0 else "<1%"


@register.filter
def minutes(delta: timedelta | None) -> int:
    return 0 if delta is None else max(1, round(delta.total_seconds() / 60))


@register.filter
def thousands(value: int | float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
