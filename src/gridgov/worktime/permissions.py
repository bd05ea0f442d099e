"""Who may change the calendar: the system administrator, who runs the platform's reference data.

accounts has no capability for the calendar yet; this check stands in for
`user.can(Capability.MANAGE_CALENDAR)` until one is added there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridgov.accounts.roles import Role

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def can_manage_calendar(user: User) -> bool:
    return bool(user.is_active and user.role == Role.SYSTEM_ADMIN)
