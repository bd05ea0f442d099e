"""Registering, assessing, deciding and following up a major decision, and the bad input the
issue names: a decision closed without an outcome, going ahead without the assessment its
category requires, a participant's ID number with a bad checksum, an assessor reaching a
decision not assigned to it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.decisions import actions, selectors
from gridgov.decisions.models import Decision, DecisionLog, Mitigation, Participant
from gridgov.decisions.workflow import AssessmentCommand, AssessmentStatus, Command, Status
from gridgov.notifications.models import InboxItem
from gridgov.testing.decisions import (
    BAD_CHECKSUM_ID,
    PARTICIPANT_ID,
    commission,
    complete,
    fill,
    register,
)

pytestmark = pytest.mark.django_db(transaction=False)

SUB = "320104001"


def test_a_third_party_assessment_runs_from_commission_to_stop_and_close(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    decision = register(sd, SUB)
    with django_capture_on_commit_callbacks(execute=True):
        assessment = commission(sd, decision, tp)
    assert InboxItem.objects.filter(recipient=tp).count() == 1
    complete(sd, assessment, tp, level="medium")
    decision.refresh_from_db()
    assert decision.status == Status.ASSESSED
    assert decision.assessed_at is not None
    actions.decision_apply(
        actor=sd, decision_id=decision.pk, command=Command.STOP, note="北侧住宅日照异议，风险中等"
    )
    closed = actions.decision_apply(actor=sd, decision_id=decision.pk, command=Command.CLOSE)
    assert (closed.status, closed.outcome) == (Status.CLOSED, "stop")
    steps = list(DecisionLog.objects.filter(decision=decision).values_list("command", flat=True))
    assert steps[0] == "register"
    assert steps[-1] == "close"
    assert AuditEntry.objects.filter(action="decisions.stop").count() == 1


def test_a_decision_is_not_closed_without_an_outcome(people: dict[str, Any]) -> None:
    decision = register(people["dispatcher"], SUB)
    with pytest.raises(Conflict) as caught:
        actions.decision_apply(
            actor=people["dispatcher"], decision_id=decision.pk, command=Command.CLOSE
        )
    assert caught.value.code == "no_outcome"
    assert "处理结果" in str(caught.value.message)
    decision.refresh_from_db()
    assert decision.status == Status.REGISTERED
    assert DecisionLog.objects.filter(decision=decision).count() == 1


@pytest.mark.parametrize(
    ("category", "may_proceed_unassessed"), [("construction", False), ("facility", True)]
)
def test_going_ahead_needs_the_assessment_the_category_requires(
    people: dict[str, Any], category: str, may_proceed_unassessed: bool
) -> None:
    sd = people["dispatcher"]
    decision = register(sd, SUB, category=category)
    if may_proceed_unassessed:
        done = actions.decision_apply(
            actor=sd, decision_id=decision.pk, command=Command.PROCEED, note="设施调整，无需稳评"
        )
        assert done.status == Status.IMPLEMENTING
        return
    with pytest.raises(Conflict) as caught:
        actions.decision_apply(
            actor=sd, decision_id=decision.pk, command=Command.PROCEED, note="直接实施"
        )
    assert caught.value.code in {"assessment_required", "command_not_allowed"}


def test_a_self_assessment_does_not_satisfy_a_third_party_requirement(
    people: dict[str, Any],
) -> None:
    sd = people["dispatcher"]
    decision = register(sd, SUB, category="construction")
    complete(sd, commission(sd, decision), sd, level="low")
    with pytest.raises(Conflict) as caught:
        actions.decision_apply(
            actor=sd, decision_id=decision.pk, command=Command.PROCEED, note="风险低"
        )
    assert caught.value.code == "assessment_required"
    assert Decision.objects.unscoped().get(pk=decision.pk).outcome == ""
    adjusted = actions.decision_apply(
        actor=sd, decision_id=decision.pk, command=Command.POSTPONE, note="待第三方评估"
    )
    assert adjusted.status == Status.POSTPONED
    complete(sd, commission(sd, decision, people["assessor"]), people["assessor"], "low")
    going = actions.decision_apply(
        actor=sd, decision_id=decision.pk, command=Command.ADJUST, note="调整楼距后实施"
    )
    assert (going.status, going.outcome) == (Status.IMPLEMENTING, "adjust")


def test_the_rule_is_data(people: dict[str, Any]) -> None:
    sd = people["dispatcher"]
    decision = register(sd, SUB, category="construction")
    decision.category.required_assessment = "none"
    decision.category.save()
    done = actions.decision_apply(
        actor=sd, decision_id=decision.pk, command=Command.PROCEED, note="规则已改"
    )
    assert done.status == Status.IMPLEMENTING


def test_an_assessor_reaches_only_its_assignment(people: dict[str, Any]) -> None:
    sd, tp, other = people["dispatcher"], people["assessor"], people["other_assessor"]
    mine = register(sd, SUB, title="营房扩建工程")
    theirs = register(sd, SUB, title="菜场搬迁")
    assessment = commission(sd, mine, tp)
    commission(sd, theirs, other)
    assert [d.title for d in selectors.decisions_visible(tp)] == ["营房扩建工程"]
    with pytest.raises(NotFound) as caught:
        selectors.decision_get(tp, theirs.pk)
    assert caught.value.code == "not_assigned"
    assert "未委托给贵机构" in str(caught.value.message)
    with pytest.raises(NotFound):
        actions.assessment_apply(
            actor=other, assessment_id=assessment.pk, command=AssessmentCommand.START
        )
    # It sees nothing of its node's tree either.
    from gridgov.jurisdiction.selectors import nodes_visible

    assert not nodes_visible(tp).exists()


def test_only_the_assigned_organisation_works_on_a_third_party_assessment(
    people: dict[str, Any],
) -> None:
    sd = people["dispatcher"]
    assessment = commission(sd, register(sd, SUB), people["assessor"])
    with pytest.raises(PermissionDenied) as caught:
        actions.assessment_apply(
            actor=sd, assessment_id=assessment.pk, command=AssessmentCommand.START
        )
    assert caught.value.code == "not_the_assessor"


def test_an_assessor_of_another_district_cannot_be_assigned(people: dict[str, Any]) -> None:
    sd = people["dispatcher"]
    decision = register(sd, SUB)
    with pytest.raises(InvalidInput) as caught:
        commission(sd, decision, people["far_assessor"])
    assert caught.value.problems[0].code == "unknown_assessor"
    assert Decision.objects.unscoped().get(pk=decision.pk).status == Status.REGISTERED


def test_submission_needs_consultation_risk_points_level_and_reasons(
    people: dict[str, Any],
) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    assessment = commission(sd, register(sd, SUB), tp)
    actions.assessment_apply(actor=tp, assessment_id=assessment.pk, command="start")
    with pytest.raises(InvalidInput) as caught:
        actions.assessment_apply(actor=tp, assessment_id=assessment.pk, command="submit")
    assert {p.code for p in caught.value.problems} == {
        "risk_level_required",
        "reasons_required",
        "consultation_required",
        "risk_points_required",
        "expert_review_required",
    }


def test_a_participant_with_a_bad_id_checksum_is_refused_whole(people: dict[str, Any]) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    assessment = commission(sd, register(sd, SUB), tp)
    actions.assessment_apply(actor=tp, assessment_id=assessment.pk, command="start")
    with pytest.raises(InvalidInput) as caught:
        actions.consultation_record(
            actor=tp,
            assessment_id=assessment.pk,
            method="visit",
            held_on=timezone.localdate(),
            participants=2,
            in_favour=1,
            against=1,
            people=[
                {"name": "甲", "opinion": "for"},
                {"name": "乙", "id_number": BAD_CHECKSUM_ID, "opinion": "against"},
            ],
        )
    problem = caught.value.problems[0]
    assert (problem.code, problem.index) == ("invalid_checksum", 1)
    assert not Participant.objects.unscoped().exists()


def test_participants_are_sealed_masked_and_revealed_with_a_purpose(
    people: dict[str, Any],
) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    assessment = commission(sd, register(sd, SUB), tp)
    fill(tp, assessment)
    person = Participant.objects.unscoped().get()
    assert person.phone_masked == "138****5678"
    assert person.id_number_masked == "1101**********002X"
    assert "13812345678" not in person.phone_encrypted
    with pytest.raises(PermissionDenied):
        actions.participant_unmask(actor=tp, participant_id=person.pk, field="phone", purpose="x")
    with pytest.raises(InvalidInput):
        actions.participant_unmask(actor=sd, participant_id=person.pk, field="phone", purpose=" ")
    shown = actions.participant_unmask(
        actor=sd, participant_id=person.pk, field="id_number", purpose="回访核实身份"
    )
    assert shown == PARTICIPANT_ID
    entry = AuditEntry.objects.get(action=actions.UNMASK_ACTION)
    assert entry.detail["purpose"] == "回访核实身份"


def test_consultation_counts_must_add_up(people: dict[str, Any]) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    assessment = commission(sd, register(sd, SUB), tp)
    actions.assessment_apply(actor=tp, assessment_id=assessment.pk, command="start")
    with pytest.raises(InvalidInput) as caught:
        actions.consultation_record(
            actor=tp,
            assessment_id=assessment.pk,
            method="hearing",
            held_on=timezone.localdate(),
            participants=5,
            in_favour=4,
            against=3,
        )
    assert caught.value.problems[0].code == "opinions_exceed_participants"


def test_mitigations_are_followed_and_swept_once(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    sd, tp = people["dispatcher"], people["assessor"]
    decision = register(sd, SUB)
    assessment = complete(sd, commission(sd, decision, tp), tp, level="low")
    actions.decision_apply(
        actor=sd, decision_id=decision.pk, command=Command.ADJUST, note="北移五米后实施"
    )
    point = assessment.risk_points.get()
    late = actions.mitigation_add(
        actor=sd,
        risk_point_id=point.pk,
        measure="楼体北移五米",
        owner="区住建局",
        due_on=timezone.localdate(),
    )
    kept = actions.mitigation_add(
        actor=sd,
        risk_point_id=point.pk,
        measure="设立居民沟通联络员",
        owner="北街道",
        due_on=timezone.localdate() + timedelta(days=30),
    )
    with pytest.raises(InvalidInput):
        actions.mitigation_add(
            actor=sd,
            risk_point_id=point.pk,
            measure="x",
            owner="y",
            due_on=timezone.localdate() - timedelta(days=1),
        )
    actions.mitigation_done(actor=sd, mitigation_id=kept.pk, note="联络员已上岗")
    with pytest.raises(Conflict):
        actions.mitigation_done(actor=sd, mitigation_id=kept.pk, note="again")
    later = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.mitigations_sweep(later) == 1
    assert actions.mitigations_sweep(later) == 0
    assert Mitigation.objects.unscoped().get(pk=late.pk).overdue_at is not None
    assert InboxItem.objects.filter(recipient=sd).count() == 1  # told once
    figures = selectors.decision_figures(sd)
    assert figures.mitigations_open == 1
    assert figures.assessments_by_kind == {"self": 0, "third_party": 1}
    assert figures.outcomes["adjust"] == 1
    # The review after implementation, then the close.
    with pytest.raises(InvalidInput):
        actions.decision_apply(actor=sd, decision_id=decision.pk, command=Command.REVIEW)
    actions.decision_apply(
        actor=sd, decision_id=decision.pk, command=Command.REVIEW, note="无新增信访"
    )
    done = actions.decision_apply(actor=sd, decision_id=decision.pk, command=Command.CLOSE)
    assert done.status == Status.CLOSED
    assert AssessmentStatus(assessment.status) == AssessmentStatus.COMPLETED


def test_a_stale_version_is_refused(people: dict[str, Any]) -> None:
    sd = people["dispatcher"]
    decision = register(sd, SUB, category="facility")
    with pytest.raises(Conflict) as caught:
        actions.decision_apply(
            actor=sd,
            decision_id=decision.pk,
            command=Command.PROCEED,
            note="x",
            expected_version=decision.version - 1,
        )
    assert caught.value.code == "stale_version"


def test_only_the_centres_register(people: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        register(people["community_staff"], "320104001001")
    with pytest.raises(InvalidInput) as caught:
        register(people["dispatcher"], "320104002")
    assert caught.value.problems[0].code == "unknown_area"
