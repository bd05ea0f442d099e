"""Every read of major decisions, scoped: staff see the decisions whose affected area lies in
their tree; a third-party assessor sees only the assessments assigned to it and their
decisions (core.scope's assignee), and is told so when it asks for another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.errors import NotFound
from gridgov.core.scope import ScopedQuerySet
from gridgov.decisions.models import (
    Assessment,
    Consultation,
    Decision,
    DecisionCategory,
    DecisionLog,
    ExpertOpinion,
    Mitigation,
    Participant,
    RiskPoint,
)
from gridgov.decisions.workflow import AssessmentKind, AssessmentStatus, Outcome
from gridgov.jurisdiction.selectors import scope_of

if TYPE_CHECKING:
    from gridgov.jurisdiction.models import Node


def _not_found(user: User, model: type[Model]) -> NotFound:
    """A limited account is told that the row is not assigned to it (whether it exists or not,
    which it cannot learn); staff, that there is no such row in their jurisdiction."""
    what = model._meta.verbose_name
    if scope_of(user).assignee_id is not None:
        return NotFound(
            _("This %(what)s is not assigned to your organisation.") % {"what": what},
            code="not_assigned",
        )
    return NotFound(
        _("No such %(what)s.") % {"what": what}, code=f"{model._meta.model_name}_not_found"
    )


def decisions_visible(user: User) -> ScopedQuerySet[Decision]:
    return Decision.objects.visible_to(scope_of(user)).select_related(
        "category", "node", "registered_by"
    )


def decisions_filtered(user: User, *, status: str = "", outcome: str = "") -> QuerySet[Decision]:
    rows = decisions_visible(user)
    if status:
        rows = rows.filter(status=status)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows


def decision_get(user: User, decision_id: int) -> Decision:
    decision = decisions_visible(user).filter(pk=decision_id).first()
    if decision is None:
        raise _not_found(user, Decision)
    return decision


def assessments_visible(user: User) -> ScopedQuerySet[Assessment]:
    return Assessment.objects.visible_to(scope_of(user)).select_related(
        "decision__category", "decision__node", "assessor"
    )


def assessment_get(user: User, assessment_id: int) -> Assessment:
    assessment = assessments_visible(user).filter(pk=assessment_id).first()
    if assessment is None:
        raise _not_found(user, Assessment)
    return assessment


def decision_assessments(user: User, decision: Decision) -> QuerySet[Assessment]:
    """The decision's assessments the caller may see (an assessor: its own only)."""
    return assessments_visible(user).filter(decision=decision)


def decision_log(decision: Decision) -> QuerySet[DecisionLog]:
    """The decision's steps, oldest first; the decision must have come through decision_get."""
    return DecisionLog.objects.filter(decision=decision).select_related("actor")


@dataclass
class AssessmentRecord:
    """What an assessment holds, each part read through the caller's scope."""

    consultations: list[Consultation]
    risk_points: list[RiskPoint]
    expert_opinions: list[ExpertOpinion]

    @property
    def votes(self) -> dict[str, int]:
        tally = {"for": 0, "against": 0, "abstain": 0}
        for opinion in self.expert_opinions:
            tally[opinion.vote] += 1
        return tally


def assessment_record(user: User, assessment: Assessment) -> AssessmentRecord:
    scope = scope_of(user)
    return AssessmentRecord(
        consultations=list(
            Consultation.objects.visible_to(scope)
            .filter(assessment=assessment)
            .prefetch_related(
                Prefetch("people", queryset=Participant.objects.visible_to(scope).order_by("id"))
            )
        ),
        risk_points=list(
            RiskPoint.objects.visible_to(scope)
            .filter(assessment=assessment)
            .prefetch_related(
                Prefetch(
                    "mitigations",
                    queryset=Mitigation.objects.visible_to(scope).order_by("due_at", "id"),
                )
            )
        ),
        expert_opinions=list(ExpertOpinion.objects.visible_to(scope).filter(assessment=assessment)),
    )


def risk_point_get(user: User, risk_point_id: int) -> RiskPoint:
    point = (
        RiskPoint.objects.visible_to(scope_of(user))
        .select_related("assessment__decision")
        .filter(pk=risk_point_id)
        .first()
    )
    if point is None:
        raise _not_found(user, RiskPoint)
    return point


def mitigation_get(user: User, mitigation_id: int) -> Mitigation:
    mitigation = (
        Mitigation.objects.visible_to(scope_of(user))
        .select_related("risk_point__assessment__decision")
        .filter(pk=mitigation_id)
        .first()
    )
    if mitigation is None:
        raise _not_found(user, Mitigation)
    return mitigation


def mitigations_open(user: User) -> ScopedQuerySet[Mitigation]:
    return (
        Mitigation.objects.visible_to(scope_of(user))
        .filter(done_at__isnull=True)
        .select_related("risk_point__assessment__decision")
    )


def participant_get(user: User, participant_id: int) -> Participant:
    participant = (
        Participant.objects.visible_to(scope_of(user))
        .select_related("consultation__assessment__decision")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None:
        raise _not_found(user, Participant)
    return participant


def categories() -> QuerySet[DecisionCategory]:
    """The catalogue of categories and their rules: the same everywhere."""
    return DecisionCategory.objects.all()


def assessors_for(node: Node) -> QuerySet[User]:
    """The third-party assessors engaged at the node or above it (the district or the city),
    active. Read unscoped: the staff choosing one cannot see accounts above their node, and
    only the assessor's name is shown."""
    return (
        User.objects.unscoped()
        .filter(
            role=Role.THIRD_PARTY_ASSESSOR,
            is_active=True,
            node__code__in=[*node.ancestor_codes(), node.code],
        )
        .order_by("display_name", "username")
    )


@dataclass(frozen=True)
class Figures:
    """Completed assessments by kind, decisions by outcome, open and overdue mitigations."""

    assessments_by_kind: dict[str, int]
    outcomes: dict[str, int]
    mitigations_open: int
    mitigations_overdue: int


def decision_figures(user: User) -> Figures:
    """Three grouped counts over indexed columns: cheap at the seed's 2,123 assessments."""
    scope = scope_of(user)
    kinds = dict(
        Assessment.objects.visible_to(scope)
        .filter(status=AssessmentStatus.COMPLETED)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    outcomes = dict(
        Decision.objects.visible_to(scope)
        .exclude(outcome="")
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    mitigations = Mitigation.objects.visible_to(scope).aggregate(
        open=Count("id", filter=Q(done_at__isnull=True)),
        overdue=Count("id", filter=Q(done_at__isnull=True, due_at__lt=timezone.now())),
    )
    return Figures(
        assessments_by_kind={kind: kinds.get(kind, 0) for kind in AssessmentKind.values},
        outcomes={outcome: outcomes.get(outcome, 0) for outcome in Outcome.values},
        mitigations_open=mitigations["open"],
        mitigations_overdue=mitigations["overdue"],
    )
