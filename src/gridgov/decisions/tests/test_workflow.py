"""Both workflows as declared tables, walked by random commands: a decision's and an
assessment's status only ever follow TRANSITIONS and ASSESSMENT_TRANSITIONS, every refused
command leaves both untouched, and a decision goes ahead only with the assessment its
category requires."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gridgov.core.errors import Conflict, InvalidInput
from gridgov.decisions import actions
from gridgov.decisions.models import Assessment, Decision, DecisionLog
from gridgov.decisions.workflow import (
    ASSESSMENT_STATES,
    ASSESSMENT_TRANSITIONS,
    INTERNAL,
    STATES,
    TRANSITIONS,
    AssessmentCommand,
    AssessmentKind,
    AssessmentStatus,
    Command,
    Status,
    satisfies,
)
from gridgov.testing.decisions import fill, register


def test_every_state_is_reachable_and_has_a_stamp() -> None:
    reached = {Status.REGISTERED} | set(TRANSITIONS.values())
    assert reached == set(Status)
    assert set(STATES) == set(Status)
    assert {AssessmentStatus.ASSIGNED} | set(ASSESSMENT_TRANSITIONS.values()) == set(
        AssessmentStatus
    )
    assert set(ASSESSMENT_STATES) == set(AssessmentStatus)
    for facts in [*STATES.values(), *ASSESSMENT_STATES.values()]:
        assert facts.stamp


def test_only_a_closed_decision_is_finished() -> None:
    finished = {s for s in Status if not any(k[0] == s for k in TRANSITIONS)}
    assert finished == {Status.CLOSED}


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["construction", "policy", "facility"])
def test_random_commands_follow_both_tables(people: dict[str, Any], category: str) -> None:
    sd, tp = people["dispatcher"], people["assessor"]

    class Walk(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.decision = register(sd, "320104001", category=category)
            self.assessment: Assessment | None = None

        def reload(self) -> None:
            self.decision = Decision.objects.unscoped().get(pk=self.decision.pk)
            if self.assessment is not None:
                self.assessment = Assessment.objects.unscoped().get(pk=self.assessment.pk)

        def satisfied(self) -> bool:
            rule = self.decision.category
            done = Assessment.objects.unscoped().filter(
                decision=self.decision, status=AssessmentStatus.COMPLETED
            )
            if rule.expert_review_required:
                done = done.filter(expert_opinions__isnull=False)
            return rule.required_assessment == "none" or any(
                satisfies(kind, rule.required_assessment)
                for kind in done.values_list("kind", flat=True)
            )

        @rule(
            command=st.sampled_from([c for c in Command if c not in INTERNAL]), third=st.booleans()
        )
        def decide(self, command: Command, third: bool) -> None:
            before = Status(self.decision.status)
            steps = DecisionLog.objects.filter(decision=self.decision).count()
            expected = TRANSITIONS.get((before, command))
            if command in (Command.PROCEED, Command.ADJUST) and not self.satisfied():
                expected = None
            try:
                if command == Command.ASSESS:
                    kind = AssessmentKind.THIRD_PARTY if third else AssessmentKind.SELF
                    self.assessment = actions.assessment_commission(
                        actor=sd,
                        decision_id=self.decision.pk,
                        kind=kind,
                        assessor_id=tp.pk if third else None,
                    )
                else:
                    actions.decision_apply(
                        actor=sd, decision_id=self.decision.pk, command=command, note="理由"
                    )
            except Conflict:
                assert expected is None
                self.reload()
                assert self.decision.status == before
                assert DecisionLog.objects.filter(decision=self.decision).count() == steps
                return
            assert expected is not None
            self.reload()
            assert self.decision.status == expected
            assert getattr(self.decision, STATES[expected].stamp) is not None

        @rule(
            command=st.sampled_from(list(AssessmentCommand)),
            level=st.sampled_from(["low", "medium", "high"]),
        )
        def assess(self, command: AssessmentCommand, level: str) -> None:
            if self.assessment is None:
                return
            before = AssessmentStatus(self.assessment.status)
            decision_before = self.decision.status
            expected = ASSESSMENT_TRANSITIONS.get((before, command))
            third = self.assessment.kind == AssessmentKind.THIRD_PARTY
            actor = (
                tp
                if third and command in (AssessmentCommand.START, AssessmentCommand.SUBMIT)
                else sd
            )
            try:
                if command == AssessmentCommand.START and expected is not None:
                    fill(actor, self.assessment)
                else:
                    actions.assessment_apply(
                        actor=actor,
                        assessment_id=self.assessment.pk,
                        command=command,
                        risk_level=level,
                        risk_reasons="日照",
                    )
            except (Conflict, InvalidInput):
                assert expected is None
                self.reload()
                assert self.assessment.status == before
                assert self.decision.status == decision_before
                return
            assert expected is not None
            self.reload()
            assert self.assessment.status == expected
            if command == AssessmentCommand.ACCEPT:
                assert self.decision.status == Status.ASSESSED
            if command == AssessmentCommand.WITHDRAW:
                assert self.decision.status == Status.REGISTERED

        @invariant()
        def closed_has_an_outcome(self) -> None:
            if self.decision.status == Status.CLOSED:
                assert self.decision.outcome
            if self.decision.status == Status.IMPLEMENTING:
                assert self.satisfied()

    run_state_machine_as_test(
        Walk,
        settings=settings(
            max_examples=12,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
