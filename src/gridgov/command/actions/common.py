"""What the command actions share: who may act for a centre."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from gridgov.command.models import CommandCentre, MemberRole
from gridgov.command.selectors import membership
from gridgov.core.errors import PermissionDenied

if TYPE_CHECKING:
    from gridgov.accounts.models import User

# Who sends instructions and orders for a centre.
SENDERS = frozenset({MemberRole.COMMANDER, MemberRole.DUTY_OFFICER})


def require_member(actor: User, centre: CommandCentre, roles: frozenset[str] = SENDERS) -> str:
    role = membership(actor, centre) if actor.is_active else None
    if role not in roles:
        raise PermissionDenied(
            _("Only the centre's commanders and duty officers may do this."),
            code="not_centre_member",
        )
    return str(role)
