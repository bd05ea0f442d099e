"""Major decisions to test against, for the decisions package and the scope matrix: an engaged
third-party assessor, a registered decision, and an assessment walked to completion."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.decisions import actions
from gridgov.decisions.models import Assessment, Decision
from gridgov.decisions.workflow import AssessmentCommand, AssessmentKind
from gridgov.jurisdiction.models import Node
from gridgov.testing.users import make_user

# A valid resident ID (its check digit holds) and the same with a wrong check digit.
PARTICIPANT_ID = "11010519491231002X"
BAD_CHECKSUM_ID = "110105194912310021"


def make_assessor(username: str, node: Node, name: str = "江苏稳评咨询有限公司") -> User:
    user = make_user(username, Role.THIRD_PARTY_ASSESSOR, node=node)
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def register(
    actor: User,
    node_code: str,
    *,
    title: str = "营房扩建工程",
    category: str = "construction",
    people: int = 1200,
) -> Decision:
    return actions.decision_register(
        actor=actor,
        title=title,
        category_code=category,
        decided_by="区人民政府常务会议",
        node_code=node_code,
        people_affected=people,
        planned_on=timezone.localdate() + timedelta(days=90),
        area_description="营房北侧住宅小区",
    )


def commission(actor: User, decision: Decision, assessor: User | None = None) -> Assessment:
    return actions.assessment_commission(
        actor=actor,
        decision_id=decision.pk,
        kind=AssessmentKind.THIRD_PARTY if assessor else AssessmentKind.SELF,
        assessor_id=assessor.pk if assessor else None,
    )


def fill(assessor: User, assessment: Assessment, *, experts: bool = True) -> None:
    """Start the assessment and record a consultation, a risk point and an expert's vote."""
    actions.assessment_apply(
        actor=assessor, assessment_id=assessment.pk, command=AssessmentCommand.START
    )
    actions.consultation_record(
        actor=assessor,
        assessment_id=assessment.pk,
        method="hearing",
        held_on=timezone.localdate() - timedelta(days=3),
        participants=40,
        in_favour=12,
        against=25,
        main_concerns="扩建后北侧住宅日照不足",
        people=[
            {"name": "王建国", "phone": "13812345678", "id_number": PARTICIPANT_ID,
             "opinion": "against", "comment": "冬至日照不足两小时"},
        ],
    )  # fmt: skip
    actions.risk_point_record(
        actor=assessor, assessment_id=assessment.pk, title="日照纠纷", likelihood=2, impact=2
    )
    if experts:
        actions.expert_opinion_record(
            actor=assessor,
            assessment_id=assessment.pk,
            expert="李教授",
            opinion="日照影响属实，建议调整方案",
            vote="against",
            given_on=timezone.localdate() - timedelta(days=1),
        )


def complete(
    staff: User, assessment: Assessment, assessor: User, level: str = "medium"
) -> Assessment:
    """Fill, submit and accept: the decision becomes assessed."""
    fill(assessor, assessment)
    actions.assessment_apply(
        actor=assessor,
        assessment_id=assessment.pk,
        command=AssessmentCommand.SUBMIT,
        risk_level=level,
        risk_reasons="邻里日照异议集中，可能引发群体上访",
    )
    return actions.assessment_apply(
        actor=staff, assessment_id=assessment.pk, command=AssessmentCommand.ACCEPT
    )
