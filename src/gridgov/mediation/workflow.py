"""Mediation (调解) as one declared table: its states and their facts, its commands, who may
give them. gridgov.mediation.actions.dispute_apply enforces it and the tests walk it; a change
of the procedure is a change here.

registered → accepted → mediating (sessions) → agreed / not agreed → followed up (回访) →
closed. Before a conclusion a dispute may be referred up or to litigation or arbitration, with
a reason; a dispute whose risk rises is escalated to the command centre as an event, which
changes who watches it, never its stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ACCEPTED = "accepted", _("accepted")
    MEDIATING = "mediating", _("in mediation")
    AGREED = "agreed", _("agreement reached")
    NOT_AGREED = "not_agreed", _("no agreement")
    FOLLOWED_UP = "followed_up", _("followed up")
    CLOSED = "closed", _("closed")
    REFERRED = "referred", _("referred")


class Command(models.TextChoices):
    ACCEPT = "accept", _("accept")
    MEDIATE = "mediate", _("start mediation")
    AGREE = "agree", _("record the agreement")
    FAIL = "fail", _("record that no agreement was reached")
    FOLLOW_UP = "follow_up", _("record the follow-up visit")
    CLOSE = "close", _("close")
    REFER = "refer", _("refer")
    ESCALATE = "escalate", _("escalate to the command centre")


@dataclass(frozen=True)
class StateFacts:
    """What the code outside the table knows of a state."""

    # Still being worked on: referral and escalation apply.
    open: bool
    # The Dispute field stamped when the state is entered.
    stamp: str
    # A mediation concluded here: the denominator of the success rate.
    concluded: bool = False
    # Concluded with an agreement: the numerator of the success rate.
    agreed: bool = False


S, C = Status, Command

STATES: dict[Status, StateFacts] = {
    S.REGISTERED: StateFacts(open=True, stamp="registered_at"),
    S.ACCEPTED: StateFacts(open=True, stamp="accepted_at"),
    S.MEDIATING: StateFacts(open=True, stamp="mediating_at"),
    S.AGREED: StateFacts(open=False, stamp="agreed_at", concluded=True, agreed=True),
    S.NOT_AGREED: StateFacts(open=False, stamp="not_agreed_at", concluded=True),
    S.FOLLOWED_UP: StateFacts(open=False, stamp="followed_up_at", concluded=True, agreed=True),
    S.CLOSED: StateFacts(open=False, stamp="closed_at"),
    S.REFERRED: StateFacts(open=False, stamp="referred_at"),
}

OPEN_STATUSES: tuple[Status, ...] = tuple(s for s, f in STATES.items() if f.open)

TRANSITIONS: dict[tuple[Status, Command], Status] = {
    (S.REGISTERED, C.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, C.MEDIATE): S.MEDIATING,
    (S.MEDIATING, C.AGREE): S.AGREED,
    (S.MEDIATING, C.FAIL): S.NOT_AGREED,
    (S.AGREED, C.FOLLOW_UP): S.FOLLOWED_UP,
    (S.FOLLOWED_UP, C.CLOSE): S.CLOSED,
    (S.NOT_AGREED, C.CLOSE): S.CLOSED,
    # A mediation that failed may still go to court, arbitration or the level above.
    **{(s, C.REFER): S.REFERRED for s in (*OPEN_STATUSES, S.NOT_AGREED)},
    # Escalation hands the risk to the command centre; the mediation goes on where it was.
    **{(s, C.ESCALATE): s for s in OPEN_STATUSES},
}

_MEDIATORS = frozenset(
    {
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.SUBDISTRICT_DISPATCHER,
        Role.DISTRICT_COMMANDER,
    }
)
_STAFF = _MEDIATORS - {Role.GRID_WORKER}

# Who may register a dispute and give each command; accounts hold one role and no rights.
REGISTER_ROLES = _MEDIATORS
# Who reads disputes (their parties included): those who mediate. Analysts read the figures.
READ_ROLES = _MEDIATORS
FIGURE_ROLES = _MEDIATORS | {Role.ANALYST}
COMMAND_ROLES: dict[Command, frozenset[Role]] = {
    C.ACCEPT: _STAFF,
    C.MEDIATE: _MEDIATORS,
    C.AGREE: _MEDIATORS,
    C.FAIL: _MEDIATORS,
    # The follow-up visit is the grid worker's field task (回访).
    C.FOLLOW_UP: _MEDIATORS,
    C.CLOSE: _STAFF,
    C.REFER: _STAFF,
    C.ESCALATE: _MEDIATORS,
}


class ReferralTarget(models.TextChoices):
    HIGHER_LEVEL = "higher_level", _("the level above")
    LITIGATION = "litigation", _("litigation")
    ARBITRATION = "arbitration", _("arbitration")


def commands_from(status: str) -> list[Command]:
    """What the table allows from a state, whoever asks."""
    return [c for (s, c) in TRANSITIONS if s == status]


def allowed_commands(role: str, status: str) -> list[Command]:
    return [c for c in commands_from(status) if role in COMMAND_ROLES[c]]
