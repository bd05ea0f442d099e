"""Major decisions (重大决策) and their stability risk assessment (稳评): register, commission
an assessment, record its consultation, risk points and expert review, decide, follow up.

A third-party assessor's token reaches only its assigned assessments and their decisions;
anything else answers 404 `not_assigned`."""

from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.paging import PageNumberPagination
from gridgov.decisions import actions, selectors
from gridgov.decisions.models import (
    Assessment,
    Consultation,
    Decision,
    DecisionCategory,
    ExpertOpinion,
    Mitigation,
    Participant,
    RiskPoint,
)

router = Router(tags=["decisions"])


class Ref(Schema):
    code: str
    name: str


class CategoryOut(Schema):
    code: str
    name: str
    required_assessment: str = Field(description="none, self or third_party.")
    expert_review_required: bool


class DecisionOut(Schema):
    id: int
    title: str
    category: CategoryOut
    decided_by: str
    node: Ref = Field(description="The area affected.")
    area_description: str
    people_affected: int
    planned_on: date
    status: str
    status_label: str = Field(alias="get_status_display")
    outcome: str
    outcome_reason: str
    review_note: str
    registered_at: datetime
    version: int


class DecisionIn(Schema):
    title: str
    category: str = Field(description="A category code (GET /categories).")
    decided_by: str
    node: str = Field(description="The code of the area affected, in your jurisdiction.")
    area_description: str = ""
    people_affected: int
    planned_on: date
    description: str = ""


class CommandIn(Schema):
    command: str = Field(
        description="proceed, adjust, postpone, stop (with the reasons as note), review (the "
        "post-implementation review as note) or close."
    )
    note: str = ""
    expected_version: int | None = None


class CommissionIn(Schema):
    kind: str = Field(description="self or third_party.")
    assessor_id: int | None = Field(None, description="A third-party assessor's account.")
    note: str = ""
    expected_version: int | None = None


class ParticipantOut(Schema):
    id: int
    name: str
    phone_masked: str
    id_number_masked: str
    opinion: str
    comment: str


class ConsultationOut(Schema):
    id: int
    method: str
    held_on: date
    participants: int
    in_favour: int
    against: int
    main_concerns: str
    people: list[ParticipantOut]

    @staticmethod
    def resolve_people(obj: Consultation) -> list[Participant]:
        return list(obj.people.all())


class MitigationOut(Schema):
    id: int
    measure: str
    owner: str
    due_at: datetime
    done_at: datetime | None
    done_note: str
    overdue_at: datetime | None


class RiskPointOut(Schema):
    id: int
    title: str
    description: str
    likelihood: int
    impact: int
    mitigations: list[MitigationOut]

    @staticmethod
    def resolve_mitigations(obj: RiskPoint) -> list[Mitigation]:
        return list(obj.mitigations.all())


class ExpertOpinionOut(Schema):
    id: int
    expert: str
    affiliation: str
    opinion: str
    vote: str
    given_on: date


class AssessmentOut(Schema):
    id: int
    decision_id: int
    decision_title: str = Field(alias="decision.title")
    kind: str
    assessor: str | None
    status: str
    risk_level: str
    risk_reasons: str
    assigned_at: datetime
    completed_at: datetime | None
    version: int

    @staticmethod
    def resolve_assessor(obj: Assessment) -> str | None:
        return str(obj.assessor) if obj.assessor_id else None


class AssessmentDetailOut(Schema):
    """The assessment and what it holds, each part read through the caller's scope."""

    assessment: AssessmentOut
    consultations: list[ConsultationOut] = Field(alias="record.consultations")
    risk_points: list[RiskPointOut] = Field(alias="record.risk_points")
    expert_opinions: list[ExpertOpinionOut] = Field(alias="record.expert_opinions")
    votes: dict[str, int] = Field(alias="record.votes")


class AssessmentCommandIn(Schema):
    command: str = Field(description="start, submit, return, accept or withdraw.")
    risk_level: str = Field("", description="low, medium or high: with submit.")
    risk_reasons: str = ""
    note: str = ""
    expected_version: int | None = None


class PersonIn(Schema):
    name: str
    phone: str = ""
    id_number: str = ""
    opinion: str = Field("neutral", description="for, against or neutral.")
    comment: str = ""


class ConsultationIn(Schema):
    method: str = Field(
        description="public_notice, hearing, symposium, questionnaire, visit or online."
    )
    held_on: date
    participants: int
    in_favour: int
    against: int
    main_concerns: str = ""
    people: list[PersonIn] = Field(default_factory=list)


class RiskPointIn(Schema):
    title: str
    description: str = ""
    likelihood: int = Field(description="1 low, 2 medium, 3 high.")
    impact: int = Field(description="1 low, 2 medium, 3 high.")


class ExpertOpinionIn(Schema):
    expert: str
    affiliation: str = ""
    opinion: str
    vote: str = Field(description="for, against or abstain.")
    given_on: date


class MitigationIn(Schema):
    measure: str
    owner: str
    due_on: date


class DoneIn(Schema):
    note: str


class UnmaskIn(Schema):
    field: str = Field(description="phone or id_number.")
    purpose: str


class FiguresOut(Schema):
    assessments_by_kind: dict[str, int] = Field(description="Completed assessments by kind.")
    outcomes: dict[str, int] = Field(description="Decisions by outcome.")
    mitigations_open: int
    mitigations_overdue: int


@router.get("/categories", response=list[CategoryOut])
def category_list(request: HttpRequest) -> list[DecisionCategory]:
    """The categories and the assessment each requires before a decision may go ahead."""
    return list(selectors.categories())


@router.get("/decisions", response=list[DecisionOut])
@paginate(PageNumberPagination, page_size=50)
def decision_list(request: HttpRequest, status: str = "", outcome: str = "") -> list[Decision]:
    return selectors.decisions_filtered(  # type: ignore[return-value]
        request_user(request), status=status, outcome=outcome
    )


@router.post("/decisions", response={201: DecisionOut})
def decision_register(request: HttpRequest, payload: DecisionIn) -> Status[Decision]:
    user = request_user(request)
    decision = actions.decision_register(
        actor=user,
        title=payload.title,
        category_code=payload.category,
        decided_by=payload.decided_by,
        node_code=payload.node,
        people_affected=payload.people_affected,
        planned_on=payload.planned_on,
        description=payload.description,
        area_description=payload.area_description,
    )
    return Status(201, selectors.decision_get(user, decision.pk))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def decision_detail(request: HttpRequest, decision_id: int) -> Decision:
    return selectors.decision_get(request_user(request), decision_id)


@router.post("/decisions/{decision_id}/commands", response=DecisionOut)
def decision_command(request: HttpRequest, decision_id: int, payload: CommandIn) -> Decision:
    user = request_user(request)
    actions.decision_apply(
        actor=user,
        decision_id=decision_id,
        command=payload.command,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return selectors.decision_get(user, decision_id)


@router.post("/decisions/{decision_id}/assessments", response={201: AssessmentOut})
def assessment_commission(
    request: HttpRequest, decision_id: int, payload: CommissionIn
) -> Status[Assessment]:
    user = request_user(request)
    assessment = actions.assessment_commission(
        actor=user,
        decision_id=decision_id,
        kind=payload.kind,
        assessor_id=payload.assessor_id,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return Status(201, selectors.assessment_get(user, assessment.pk))


@router.get("/assessments", response=list[AssessmentOut])
@paginate(PageNumberPagination, page_size=50)
def assessment_list(request: HttpRequest) -> list[Assessment]:
    """A third-party assessor's assignments; the staff's area's assessments."""
    return selectors.assessments_visible(request_user(request))  # type: ignore[return-value]


@dataclass(frozen=True)
class AssessmentView:
    assessment: Assessment
    record: selectors.AssessmentRecord


def _detail(request: HttpRequest, assessment_id: int) -> AssessmentView:
    user = request_user(request)
    assessment = selectors.assessment_get(user, assessment_id)
    return AssessmentView(assessment, selectors.assessment_record(user, assessment))


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def assessment_detail(request: HttpRequest, assessment_id: int) -> AssessmentView:
    return _detail(request, assessment_id)


@router.post("/assessments/{assessment_id}/commands", response=AssessmentDetailOut)
def assessment_command(
    request: HttpRequest, assessment_id: int, payload: AssessmentCommandIn
) -> AssessmentView:
    actions.assessment_apply(
        actor=request_user(request),
        assessment_id=assessment_id,
        command=payload.command,
        risk_level=payload.risk_level,
        risk_reasons=payload.risk_reasons,
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return _detail(request, assessment_id)


@router.post("/assessments/{assessment_id}/consultations", response={201: ConsultationOut})
def consultation_record(
    request: HttpRequest, assessment_id: int, payload: ConsultationIn
) -> Status[Consultation]:
    consultation = actions.consultation_record(
        actor=request_user(request),
        assessment_id=assessment_id,
        method=payload.method,
        held_on=payload.held_on,
        participants=payload.participants,
        in_favour=payload.in_favour,
        against=payload.against,
        main_concerns=payload.main_concerns,
        people=[person.model_dump() for person in payload.people],
    )
    return Status(201, consultation)


@router.post("/assessments/{assessment_id}/risk-points", response={201: RiskPointOut})
def risk_point_record(
    request: HttpRequest, assessment_id: int, payload: RiskPointIn
) -> Status[RiskPoint]:
    point = actions.risk_point_record(
        actor=request_user(request), assessment_id=assessment_id, **payload.model_dump()
    )
    return Status(201, point)


@router.post("/assessments/{assessment_id}/expert-opinions", response={201: ExpertOpinionOut})
def expert_opinion_record(
    request: HttpRequest, assessment_id: int, payload: ExpertOpinionIn
) -> Status[ExpertOpinion]:
    row = actions.expert_opinion_record(
        actor=request_user(request), assessment_id=assessment_id, **payload.model_dump()
    )
    return Status(201, row)


@router.post("/risk-points/{risk_point_id}/mitigations", response={201: MitigationOut})
def mitigation_add(
    request: HttpRequest, risk_point_id: int, payload: MitigationIn
) -> Status[Mitigation]:
    mitigation = actions.mitigation_add(
        actor=request_user(request), risk_point_id=risk_point_id, **payload.model_dump()
    )
    return Status(201, mitigation)


@router.post("/mitigations/{mitigation_id}/done", response=MitigationOut)
def mitigation_done(request: HttpRequest, mitigation_id: int, payload: DoneIn) -> Mitigation:
    return actions.mitigation_done(
        actor=request_user(request), mitigation_id=mitigation_id, note=payload.note
    )


@router.post("/participants/{participant_id}/unmask")
def participant_unmask(
    request: HttpRequest, participant_id: int, payload: UnmaskIn
) -> dict[str, str]:
    """The value in full, for a stated purpose; audited and counted against the hourly limit."""
    value = actions.participant_unmask(
        actor=request_user(request),
        participant_id=participant_id,
        field=payload.field,
        purpose=payload.purpose,
    )
    return {"field": payload.field, "value": value}


@router.get("/figures", response=FiguresOut)
def figures(request: HttpRequest) -> selectors.Figures:
    return selectors.decision_figures(request_user(request))
