"""The event closed loop, declared once: states, commands, who may give them, stage clocks.

Everything that moves an event reads these tables; gridgov.events.actions
enforces them and the tests walk them, so a change of the loop is a change
here and nowhere else.

Suspension (挂账) puts a case aside whatever stage it was in; resuming puts
it back in the dispatcher's queue (registered), because after a long pause
the first dispatch is often no longer right.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role


class Status(models.TextChoices):
    REPORTED = "reported", _("reported")
    REGISTERED = "registered", _("registered")
    REJECTED = "rejected", _("rejected")
    DISPATCHED = "dispatched", _("dispatched")
    ACCEPTED = "accepted", _("accepted")
    HANDLED = "handled", _("handled")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    EVALUATED = "evaluated", _("evaluated")
    RETURNED = "returned", _("returned")
    SUSPENDED = "suspended", _("suspended")
    CANCELLED = "cancelled", _("cancelled")
    MERGED = "merged", _("merged into another event")


class Command(models.TextChoices):
    REGISTER = "register", _("register")
    REJECT = "reject", _("reject")
    SELF_HANDLE = "self_handle", _("solve in the grid")
    DISPATCH = "dispatch", _("dispatch")
    ACCEPT = "accept", _("accept")
    RETURN = "return", _("return")
    HANDLE = "handle", _("report handling")
    VERIFY = "verify", _("verify")
    REWORK = "rework", _("send back for rework")
    CLOSE = "close", _("close")
    EVALUATE = "evaluate", _("evaluate")
    REQUEST_EXTENSION = "request_extension", _("request an extension")
    APPROVE_EXTENSION = "approve_extension", _("approve the extension")
    REJECT_EXTENSION = "reject_extension", _("reject the extension")
    SUSPEND = "suspend", _("suspend")
    RESUME = "resume", _("resume")
    CANCEL = "cancel", _("cancel")
    REOPEN = "reopen", _("reopen")
    MERGE = "merge", _("merge into another event")
    ESCALATE = "escalate", _("escalate to the level above")
    SUPERVISE = "supervise", _("supervise")


class Stage(models.TextChoices):
    """The stages that run against a time limit from the event's category."""

    REGISTER = "register", _("register")
    DISPATCH = "dispatch", _("dispatch")
    HANDLE = "handle", _("handle")
    VERIFY = "verify", _("verify")


class Outcome(models.TextChoices):
    """How one attempt at a stage ended; blank while it runs."""

    ON_TIME = "on_time", _("done in time")
    OVERDUE = "overdue", _("done late")
    # The addressee sent the dispatch back: the handling never started, so it is not judged.
    RETURNED = "returned", _("returned")
    # The case was withdrawn from the stage (cancelled, merged, or resumed into another stage).
    CANCELLED = "cancelled", _("withdrawn")


S, C = Status, Command

# States in which an event is still being worked on; cancel applies to all of them.
OPEN_STATUSES: tuple[Status, ...] = (
    S.REPORTED,
    S.REGISTERED,
    S.DISPATCHED,
    S.ACCEPTED,
    S.HANDLED,
    S.VERIFIED,
    S.RETURNED,
    S.SUSPENDED,
)

TRANSITIONS: dict[tuple[Status, Command], Status] = {
    (S.REPORTED, C.REGISTER): S.REGISTERED,
    (S.REPORTED, C.REJECT): S.REJECTED,
    (S.REPORTED, C.SELF_HANDLE): S.HANDLED,
    (S.REGISTERED, C.DISPATCH): S.DISPATCHED,
    (S.RETURNED, C.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, C.ACCEPT): S.ACCEPTED,
    (S.DISPATCHED, C.RETURN): S.RETURNED,
    (S.ACCEPTED, C.HANDLE): S.HANDLED,
    (S.ACCEPTED, C.REQUEST_EXTENSION): S.ACCEPTED,
    (S.ACCEPTED, C.APPROVE_EXTENSION): S.ACCEPTED,
    (S.ACCEPTED, C.REJECT_EXTENSION): S.ACCEPTED,
    (S.HANDLED, C.VERIFY): S.VERIFIED,
    (S.HANDLED, C.REWORK): S.ACCEPTED,
    (S.VERIFIED, C.CLOSE): S.CLOSED,
    (S.CLOSED, C.EVALUATE): S.EVALUATED,
    (S.CLOSED, C.REOPEN): S.REGISTERED,
    (S.EVALUATED, C.REOPEN): S.REGISTERED,
    **{(s, C.SUSPEND): S.SUSPENDED for s in (S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.RETURNED)},
    (S.SUSPENDED, C.RESUME): S.REGISTERED,
    **{(s, C.CANCEL): S.CANCELLED for s in OPEN_STATUSES},
    # A duplicate is merged before anyone works on it; afterwards it follows its master.
    **{(s, C.MERGE): S.MERGED for s in (S.REPORTED, S.REGISTERED)},
    # Escalation and supervision change who owns or watches the case, never its stage.
    **{(s, C.ESCALATE): s for s in OPEN_STATUSES},
    **{(s, C.SUPERVISE): s for s in OPEN_STATUSES},
}

_DISPATCHERS = frozenset(
    {Role.COMMUNITY_STAFF, Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER}
)
_CENTRE = frozenset({Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER})
# Whoever an event was dispatched to: a department, or the staff of a level.
_HANDLERS = frozenset(
    {
        Role.DEPARTMENT_HANDLER,
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.SUBDISTRICT_DISPATCHER,
    }
)

# Accounts keep one role and no event rights; the loop's rights live here.
COMMAND_ROLES: dict[Command, frozenset[Role]] = {
    C.REGISTER: _DISPATCHERS,
    C.REJECT: _DISPATCHERS,
    C.SELF_HANDLE: frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF}),
    C.DISPATCH: _DISPATCHERS,
    C.ACCEPT: _HANDLERS,
    C.RETURN: _HANDLERS,
    C.HANDLE: _HANDLERS,
    C.REQUEST_EXTENSION: _HANDLERS,
    C.APPROVE_EXTENSION: _CENTRE,
    C.REJECT_EXTENSION: _CENTRE,
    # On-site verification is the grid worker's job (核查), as is sending it back.
    C.VERIFY: _DISPATCHERS | {Role.GRID_WORKER},
    C.REWORK: _DISPATCHERS | {Role.GRID_WORKER},
    C.CLOSE: _DISPATCHERS,
    C.EVALUATE: _DISPATCHERS,
    C.SUSPEND: _CENTRE,
    C.RESUME: _CENTRE,
    C.CANCEL: _CENTRE,
    C.REOPEN: _CENTRE,
    C.MERGE: _DISPATCHERS,
    C.ESCALATE: frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.SUBDISTRICT_DISPATCHER}),
    C.SUPERVISE: _CENTRE,
}

# What the overdue sweeper writes in the timeline; no person gives it, so no role holds it.
AUTO_ESCALATE = "auto_escalate"

# Commands the event's own reporter may give whatever their role: after closure the grid worker
# (or the resident, through a dispatcher) rates how their report was handled.
REPORTER_COMMANDS = frozenset({C.EVALUATE})

# Commands given by the addressee of a dispatch: the department it went to, when there is one.
ADDRESSEE_COMMANDS = frozenset({C.ACCEPT, C.RETURN, C.HANDLE, C.REQUEST_EXTENSION})

# Which roles may report an event at all (residents and machines come through other channels).
REPORTER_ROLES = frozenset(_HANDLERS | _DISPATCHERS)

# The stage whose clock runs while an event is in a state; states absent here stop every clock.
STAGE_OF_STATUS: dict[Status, Stage] = {
    S.REPORTED: Stage.REGISTER,
    S.REGISTERED: Stage.DISPATCH,
    S.RETURNED: Stage.DISPATCH,
    S.DISPATCHED: Stage.HANDLE,
    S.ACCEPTED: Stage.HANDLE,
    S.HANDLED: Stage.VERIFY,
}


# Commands that end an attempt at a stage without judging it against its limit.
UNJUDGED_ENDS: dict[Command, Outcome] = {
    C.RETURN: Outcome.RETURNED,
    C.CANCEL: Outcome.CANCELLED,
    C.MERGE: Outcome.CANCELLED,
    # Resuming into another stage than the one suspended: the attempt is withdrawn.
    C.RESUME: Outcome.CANCELLED,
}


def commands_from(
    status: str, *, self_handle_allowed: bool, extension_pending: bool, below_top: bool = True
) -> list[Command]:
    """Commands the table allows now, less those the event's own facts rule out; an event
    owned by a district has nowhere higher to go."""
    ruled_out = set()
    if not self_handle_allowed:
        ruled_out.add(C.SELF_HANDLE)
    if not below_top:
        ruled_out.add(C.ESCALATE)
    if extension_pending:
        ruled_out.add(C.REQUEST_EXTENSION)
    else:
        ruled_out.update({C.APPROVE_EXTENSION, C.REJECT_EXTENSION})
    return [c for (s, c) in TRANSITIONS if s == status and c not in ruled_out]
