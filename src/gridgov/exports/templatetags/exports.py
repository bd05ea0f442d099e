"""`{% export_bar "events.queue" total capped %}`: a list's total and its Excel and CSV links,
with the page's own filters, and the form to export personal data in clear with a purpose."""

from __future__ import annotations

from typing import Any

from django import template

from gridgov.accounts.roles import UNMASK_ROLES
from gridgov.exports.lists import list_get

register = template.Library()


@register.inclusion_tag("exports/_bar.html", takes_context=True)
def export_bar(
    context: dict[str, Any],
    name: str,
    total: int | None = None,
    capped: bool = False,
    **fixed: str,
) -> dict[str, Any]:
    """`fixed` filters come from the page itself (the grid of a grid's card), not its query."""
    request = context["request"]
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    for key, value in fixed.items():
        query[key] = value
    spec = list_get(name)
    return {
        "name": name,
        "total": total,
        "capped": capped,
        "query": query.urlencode(),
        "can_reveal": spec.personal and request.user.role in UNMASK_ROLES,
        "csrf_token": context.get("csrf_token"),
    }
