"""A rectification's workflow, declared once: {(state, command): next state} and each state's
facts. `actions.rectification_apply` is the one place that moves a rectification; any other
pair answers 409.

A re-inspection that passes the item rectifies it, whether or not the deadline passed first;
one that fails leaves the state as it is and another re-inspection is issued (the same state
again, so the step is on the record). The deadline sweep (`expire`) marks it overdue once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.inspections.models import RectificationStatus as Status


class Command(models.TextChoices):
    PASS = "pass", _("re-inspection passed")
    FAIL = "fail", _("re-inspection failed")
    EXPIRE = "expire", _("deadline passed")
    CANCEL = "cancel", _("cancel")


TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.OPEN, Command.PASS): Status.RECTIFIED,
    (Status.OVERDUE, Command.PASS): Status.RECTIFIED,
    (Status.OPEN, Command.FAIL): Status.OPEN,
    (Status.OVERDUE, Command.FAIL): Status.OVERDUE,
    (Status.OPEN, Command.EXPIRE): Status.OVERDUE,
    (Status.OPEN, Command.CANCEL): Status.CANCELLED,
    (Status.OVERDUE, Command.CANCEL): Status.CANCELLED,
}


@dataclass(frozen=True)
class StateFacts:
    open: bool
    # The field stamped when the state is entered (not again on a step that stays in it).
    stamp: str


STATES: dict[str, StateFacts] = {
    Status.OPEN: StateFacts(open=True, stamp="found_at"),
    Status.OVERDUE: StateFacts(open=True, stamp="overdue_at"),
    Status.RECTIFIED: StateFacts(open=False, stamp="rectified_at"),
    Status.CANCELLED: StateFacts(open=False, stamp="cancelled_at"),
}

OPEN_STATUSES = frozenset(s for s, facts in STATES.items() if facts.open)

# Who may give each command by hand; PASS and FAIL come from a recorded re-inspection and
# EXPIRE from the sweep (actor None), never from a page.
COMMAND_ROLES: dict[str, frozenset[str]] = {
    Command.CANCEL: frozenset(
        {Role.COMMUNITY_STAFF, Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER}
    ),
}
