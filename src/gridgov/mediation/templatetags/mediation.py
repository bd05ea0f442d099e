"""The event page's way into mediation: the dispute a neighbour-dispute event became, or the
button converting it, for a role that may register disputes."""

from __future__ import annotations

from typing import Any

from django import template

from gridgov.events.models import Event
from gridgov.mediation.actions import DISPUTE_EVENT_TYPES
from gridgov.mediation.selectors import disputes_visible
from gridgov.mediation.workflow import REGISTER_ROLES

register = template.Library()


@register.inclusion_tag("mediation/_event_link.html", takes_context=True)
def dispute_link(context: dict[str, Any], event: Event) -> dict[str, Any]:
    user = context["request"].user
    if event.category.code not in DISPUTE_EVENT_TYPES:
        return {}
    dispute = disputes_visible(user).filter(source_event=event).first()
    return {
        "event": event,
        "dispute": dispute,
        "can_convert": dispute is None and user.role in REGISTER_ROLES,
    }
