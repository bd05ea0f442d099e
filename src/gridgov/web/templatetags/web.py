"""The header's menu and the user's unit, rendered from gridgov.web.menu."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from gridgov.web.menu import menu_for

register = template.Library()


@register.inclusion_tag("web/_menu.html", takes_context=True)
def main_menu(context: dict[str, Any]) -> dict[str, Any]:
    request: HttpRequest = context["request"]
    match = request.resolver_match
    here = match.view_name if match else ""
    sections = [
        (section, [(entry, here in (entry.url_name, *entry.also_current)) for entry in entries])
        for section, entries in menu_for(request.user)  # type: ignore[arg-type]
    ]
    return {"sections": sections}


@register.simple_tag
def unit_of(user: Any) -> str:
    """Where the account sits: its department for a department handler, else its node."""
    if user.department_id is not None:
        return str(user.department.name)
    return str(user.node.name) if user.node_id is not None else ""
