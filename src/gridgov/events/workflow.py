"""The event closed loop, declared once: states and their facts, commands, who may give them,
stage clocks, and the policy that answers from them.

Everything that moves an event reads these tables; gridgov.events.actions
enforces them and the tests walk them, so a change of the loop is a change
here and nowhere else. What the rest of the code knows of a state (open or
not, its clock, what Open311 and residents are told, whether indicators count
it closed or void, its stamp) is its entry in STATES, and every map keyed by
status derives from it: a new state is its choice, its STATES entry, its
transitions, and its stamp field on Event (with a migration).

Suspension (挂账) puts a case aside whatever stage it was in; resuming puts
it back in the dispatcher's queue (registered), because after a long pause
the first dispatch is often no longer right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import scope_of

if TYPE_CHECKING:
    from gridgov.accounts.models import User
    from gridgov.events.models import Event


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


@dataclass(frozen=True)
class StateFacts:
    """What the code outside the loop knows of a state; every map keyed by status derives
    from STATES."""

    # Still being worked on: cancel, escalate and supervise apply, and the public sees it open.
    open: bool
    # The stage whose clock runs while the event is in the state; None stops every clock.
    stage: Stage | None
    # FixMyStreet's update status for a step into the state (Open311 service request updates).
    open311: str
    # The sentence a resident reads about their report (never the staff's notes).
    note: Promise
    # The Event field stamped when the state is entered.
    stamp: str
    # Counts as closed (indicators, closure shares), or as void: never a case at all.
    closed: bool = False
    void: bool = False

    @property
    def public(self) -> str:
        """open or closed, as FixMyStreet and Open311 collapse the states."""
        return "open" if self.open else "closed"


_BEING_ASSIGNED = _("Registered; being assigned to whoever will handle it.")

STATES: dict[Status, StateFacts] = {
    S.REPORTED: StateFacts(
        open=True,
        stage=Stage.REGISTER,
        open311="open",
        note=_("Received; waiting to be registered."),
        stamp="reported_at",
    ),
    S.REGISTERED: StateFacts(
        open=True,
        stage=Stage.DISPATCH,
        open311="investigating",
        note=_BEING_ASSIGNED,
        stamp="registered_at",
    ),
    S.REJECTED: StateFacts(
        open=False,
        stage=None,
        open311="no_further_action",
        note=_("Not taken up as a case."),
        stamp="rejected_at",
        void=True,
    ),
    S.DISPATCHED: StateFacts(
        open=True,
        stage=Stage.HANDLE,
        open311="action_scheduled",
        note=_("Assigned; waiting for the handler to take it up."),
        stamp="dispatched_at",
    ),
    S.ACCEPTED: StateFacts(
        open=True,
        stage=Stage.HANDLE,
        open311="in_progress",
        note=_("Being handled."),
        stamp="accepted_at",
    ),
    S.HANDLED: StateFacts(
        open=True,
        stage=Stage.VERIFY,
        open311="in_progress",
        note=_("The handler reported the work done; it is being checked on site."),
        stamp="handled_at",
    ),
    S.VERIFIED: StateFacts(
        open=True,
        stage=None,
        open311="in_progress",
        note=_("Checked on site; about to be closed."),
        stamp="verified_at",
    ),
    S.CLOSED: StateFacts(
        open=False,
        stage=None,
        open311="fixed",
        note=_("Resolved and closed."),
        stamp="closed_at",
        closed=True,
    ),
    S.EVALUATED: StateFacts(
        open=False,
        stage=None,
        open311="fixed",
        note=_("Resolved, closed and rated."),
        stamp="evaluated_at",
        closed=True,
    ),
    S.RETURNED: StateFacts(
        open=True,
        stage=Stage.DISPATCH,
        open311="investigating",
        note=_BEING_ASSIGNED,
        stamp="returned_at",
    ),
    S.SUSPENDED: StateFacts(
        open=True,
        stage=None,
        open311="investigating",
        note=_("On hold for now."),
        stamp="suspended_at",
    ),
    S.CANCELLED: StateFacts(
        open=False,
        stage=None,
        open311="closed",
        note=_("Withdrawn."),
        stamp="cancelled_at",
        void=True,
    ),
    S.MERGED: StateFacts(
        open=False,
        stage=None,
        open311="duplicate",
        note=_("A duplicate of %(number)s, which is followed instead."),
        stamp="merged_at",
        void=True,
    ),
}

# States in which an event is still being worked on; cancel applies to all of them.
OPEN_STATUSES: tuple[Status, ...] = tuple(s for s, facts in STATES.items() if facts.open)
# Resolved: what closure rates and indicators count as closed.
CLOSED_STATUSES: tuple[Status, ...] = tuple(s for s, facts in STATES.items() if facts.closed)
# Never a case (rejected, cancelled, merged): out of the indicators' reported count.
VOID_STATUSES: tuple[Status, ...] = tuple(s for s, facts in STATES.items() if facts.void)

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
    s: facts.stage for s, facts in STATES.items() if facts.stage is not None
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


def statuses_allowing(command: Command) -> tuple[Status, ...]:
    """The states the table lets the command be given from: what a work queue for it holds."""
    return tuple(s for (s, c) in TRANSITIONS if c == command)


def commands_to(status: str, target: Status, along: Sequence[Command]) -> list[Command]:
    """The steps the table takes from `status` to `target`, each the first command of `along`
    the state allows; none when `along` does not lead there (or the event is there)."""
    path: list[Command] = []
    seen = {status}
    while status != target:
        command = next((c for c in along if (status, c) in TRANSITIONS), None)
        if command is None:
            return []
        path.append(command)
        status = TRANSITIONS[Status(status), command]
        if status in seen:
            return []
        seen.add(status)
    return path


# Policy: who may give which command on which event, from the tables above and the event's own
# facts. Pure questions; gridgov.events.actions.loop enforces the answers.


def commands_open(event: Event) -> list[Command]:
    """What the loop allows from the event's state, whoever asks."""
    return commands_from(
        event.status,
        self_handle_allowed=event.category.self_handle,
        extension_pending=event.extension_minutes is not None,
        below_top=event.owner.level > Level.DISTRICT,
    )


def command_permitted(user: User, event: Event, command: Command) -> bool:
    """Whether the user's role may give the command (or the user reported the event, for the
    reporter's commands); for the addressee's commands, whether the event was dispatched to
    the user's department (when it went to one); for escalation, whether the user's level
    owns the event or sits above its owner."""
    if not user.is_active:
        return False
    if command in REPORTER_COMMANDS and event.reporter_id == user.pk:
        return True
    if user.role not in COMMAND_ROLES[command]:
        return False
    if command in ADDRESSEE_COMMANDS:
        if event.assigned_department_id is not None:
            return user.department_id == event.assigned_department_id
        return user.role != Role.DEPARTMENT_HANDLER
    if command == Command.ESCALATE:
        return may_escalate(user, event)
    return True


def may_escalate(user: User, event: Event) -> bool:
    """Only the owning level, or one above it, hands a case up: a grid worker cannot push a
    subdistrict's case to the district."""
    return scope_of(user).covers(event.owner.code)


def allowed_commands(user: User, event: Event) -> list[Command]:
    return [c for c in commands_open(event) if command_permitted(user, event, c)]
