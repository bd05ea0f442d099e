"""The two workflows of a major decision (重大决策) and its stability risk assessment (稳评),
declared once: states and their facts, commands, and who may give them.

A decision is registered, assessed (one assessment at a time: self-assessment by the deciding
body's staff, or third-party by an engaged organisation's limited account), decided (proceed,
proceed with adjustments, postpone, stop), followed up while implemented, reviewed after
implementation and closed. A postponed decision may be assessed again. An assessment is
assigned, worked on (consultation, risk points, expert review), submitted with a risk level
and its reasons, and accepted or returned by the staff. gridgov.decisions.actions applies
these tables and nothing else moves a status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("decision", "registered")
    ASSESSING = "assessing", _("being assessed")
    ASSESSED = "assessed", _("assessed")
    IMPLEMENTING = "implementing", _("being implemented")
    POSTPONED = "postponed", _("postponed")
    STOPPED = "stopped", _("stopped")
    REVIEWED = "reviewed", _("reviewed after implementation")
    CLOSED = "closed", pgettext_lazy("decision", "closed")


class Command(models.TextChoices):
    ASSESS = "assess", _("commission an assessment")
    WITHDRAW_ASSESSMENT = "withdraw_assessment", _("withdraw the assessment")
    ACCEPT_ASSESSMENT = "accept_assessment", _("accept the assessment")
    PROCEED = "proceed", _("proceed")
    ADJUST = "adjust", _("proceed with adjustments")
    POSTPONE = "postpone", _("postpone")
    STOP = "stop", _("stop")
    REVIEW = "review", _("record the post-implementation review")
    CLOSE = "close", pgettext_lazy("decision", "close")


class Outcome(models.TextChoices):
    PROCEED = "proceed", _("proceed")
    ADJUST = "adjust", _("proceed with adjustments")
    POSTPONE = "postpone", _("postpone")
    STOP = "stop", _("stop")


@dataclass(frozen=True)
class StateFacts:
    """What the rest of the code knows of a decision's state."""

    stamp: str
    is_open: bool = True


STATES: dict[Status, StateFacts] = {
    Status.REGISTERED: StateFacts("registered_at"),
    Status.ASSESSING: StateFacts("assessing_at"),
    Status.ASSESSED: StateFacts("assessed_at"),
    Status.IMPLEMENTING: StateFacts("implementing_at"),
    Status.POSTPONED: StateFacts("postponed_at"),
    Status.STOPPED: StateFacts("stopped_at"),
    Status.REVIEWED: StateFacts("reviewed_at"),
    Status.CLOSED: StateFacts("closed_at", is_open=False),
}

TRANSITIONS: dict[tuple[Status, Command], Status] = {
    (Status.REGISTERED, Command.ASSESS): Status.ASSESSING,
    # Only where the category requires no assessment (the rule in DecisionCategory).
    (Status.REGISTERED, Command.PROCEED): Status.IMPLEMENTING,
    (Status.ASSESSING, Command.WITHDRAW_ASSESSMENT): Status.REGISTERED,
    (Status.ASSESSING, Command.ACCEPT_ASSESSMENT): Status.ASSESSED,
    (Status.ASSESSED, Command.PROCEED): Status.IMPLEMENTING,
    (Status.ASSESSED, Command.ADJUST): Status.IMPLEMENTING,
    (Status.ASSESSED, Command.POSTPONE): Status.POSTPONED,
    (Status.ASSESSED, Command.STOP): Status.STOPPED,
    (Status.POSTPONED, Command.ASSESS): Status.ASSESSING,
    (Status.POSTPONED, Command.STOP): Status.STOPPED,
    (Status.IMPLEMENTING, Command.REVIEW): Status.REVIEWED,
    (Status.REVIEWED, Command.CLOSE): Status.CLOSED,
    (Status.STOPPED, Command.CLOSE): Status.CLOSED,
}

# The commands that decide, and the outcome each records.
OUTCOME_OF: dict[Command, Outcome] = {
    Command.PROCEED: Outcome.PROCEED,
    Command.ADJUST: Outcome.ADJUST,
    Command.POSTPONE: Outcome.POSTPONE,
    Command.STOP: Outcome.STOP,
}
# The outcomes that let the decision go ahead: they need the assessment its category requires.
GOING_AHEAD = frozenset({Outcome.PROCEED, Outcome.ADJUST})
# Given by the assessment's own actions, never directly.
INTERNAL = frozenset({Command.WITHDRAW_ASSESSMENT, Command.ACCEPT_ASSESSMENT})


class AssessmentKind(models.TextChoices):
    SELF = "self", _("self-assessment")
    THIRD_PARTY = "third_party", _("third-party assessment")


class Requirement(models.TextChoices):
    """The assessment a category requires before its decisions may go ahead, weakest first."""

    NONE = "none", _("no assessment")
    SELF = "self", _("at least a self-assessment")
    THIRD_PARTY = "third_party", _("a third-party assessment")


# How strong an assessment of each kind is, against a requirement's strength.
REQUIREMENT_RANK: dict[str, int] = {
    Requirement.NONE: 0,
    Requirement.SELF: 1,
    Requirement.THIRD_PARTY: 2,
}
KIND_RANK: dict[str, int] = {AssessmentKind.SELF: 1, AssessmentKind.THIRD_PARTY: 2}


def satisfies(kind: str, requirement: str) -> bool:
    return KIND_RANK[kind] >= REQUIREMENT_RANK[requirement]


class AssessmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted")
    COMPLETED = "completed", _("completed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class AssessmentCommand(models.TextChoices):
    START = "start", _("start")
    SUBMIT = "submit", _("submit")
    RETURN = "return", _("return for more work")
    ACCEPT = "accept", _("accept")
    WITHDRAW = "withdraw", _("withdraw")


ASSESSMENT_STATES: dict[AssessmentStatus, StateFacts] = {
    AssessmentStatus.ASSIGNED: StateFacts("assigned_at"),
    AssessmentStatus.IN_PROGRESS: StateFacts("started_at"),
    AssessmentStatus.SUBMITTED: StateFacts("submitted_at"),
    AssessmentStatus.COMPLETED: StateFacts("completed_at", is_open=False),
    AssessmentStatus.WITHDRAWN: StateFacts("withdrawn_at", is_open=False),
}

ASSESSMENT_TRANSITIONS: dict[tuple[AssessmentStatus, AssessmentCommand], AssessmentStatus] = {
    (AssessmentStatus.ASSIGNED, AssessmentCommand.START): AssessmentStatus.IN_PROGRESS,
    (AssessmentStatus.IN_PROGRESS, AssessmentCommand.SUBMIT): AssessmentStatus.SUBMITTED,
    (AssessmentStatus.SUBMITTED, AssessmentCommand.RETURN): AssessmentStatus.IN_PROGRESS,
    (AssessmentStatus.SUBMITTED, AssessmentCommand.ACCEPT): AssessmentStatus.COMPLETED,
    (AssessmentStatus.ASSIGNED, AssessmentCommand.WITHDRAW): AssessmentStatus.WITHDRAWN,
    (AssessmentStatus.IN_PROGRESS, AssessmentCommand.WITHDRAW): AssessmentStatus.WITHDRAWN,
}

# Who gives each assessment command: the assessor (the assigned account of a third-party
# assessment, the deciding body's staff for a self-assessment) or the staff who commissioned it.
ASSESSOR_COMMANDS = frozenset({AssessmentCommand.START, AssessmentCommand.SUBMIT})
# The states in which an assessment waits for its assessor.
ASSESSOR_OPEN = frozenset({AssessmentStatus.ASSIGNED, AssessmentStatus.IN_PROGRESS})
# What an assessment command does to its decision.
DECISION_COMMAND_OF: dict[AssessmentCommand, Command] = {
    AssessmentCommand.ACCEPT: Command.ACCEPT_ASSESSMENT,
    AssessmentCommand.WITHDRAW: Command.WITHDRAW_ASSESSMENT,
}


# How a decision's log names each step: its registration, its commands, its assessment's.
STEP_LABELS: dict[str, str | Promise] = {
    "register": Status.REGISTERED.label,
    **{command.value: command.label for command in Command},
    **{f"assessment.{command.value}": command.label for command in AssessmentCommand},
}


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class Degree(models.IntegerChoices):
    """A risk point's likelihood or impact."""

    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


def suggested_level(points: list[tuple[int, int]]) -> RiskLevel:
    """The level the risk points suggest: the worst point's likelihood × impact (high from 6,
    medium from 3). The assessor states the level and its reasons; this is a hint beside it."""
    worst = max((likelihood * impact for likelihood, impact in points), default=0)
    if worst >= 6:
        return RiskLevel.HIGH
    if worst >= 3:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def allowed(status: str) -> list[Command]:
    return [c for (s, c) in TRANSITIONS if s == status and c not in INTERNAL]


def assessment_allowed(status: str) -> list[AssessmentCommand]:
    return [c for (s, c) in ASSESSMENT_TRANSITIONS if s == status]
