"""The mediation table, walked: every pair it declares moves, every other pair is refused and
changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.core.errors import Conflict
from gridgov.mediation.actions import dispute_apply
from gridgov.mediation.models import Dispute, DisputeStep, Party
from gridgov.mediation.workflow import (
    OPEN_STATUSES,
    STATES,
    TRANSITIONS,
    Command,
    Status,
    commands_from,
)
from gridgov.testing.mediation import make_dispute

GRID = "320104001001001"
# What each command needs to be taken; the escalation needs an event catalogue.
PAYLOADS: dict[Command, dict[str, Any]] = {
    Command.FOLLOW_UP: {"kept": True},
    Command.REFER: {"target": "litigation"},
}


def test_every_state_is_reachable_from_registered() -> None:
    seen, frontier = {Status.REGISTERED}, [Status.REGISTERED]
    while frontier:
        state = frontier.pop()
        for (s, _c), to in TRANSITIONS.items():
            if s == state and to not in seen:
                seen.add(to)
                frontier.append(to)
    assert seen == set(Status)


def test_closed_and_referred_are_final_and_concluded_states_are_not_open() -> None:
    assert commands_from(Status.CLOSED) == []
    assert commands_from(Status.REFERRED) == []
    for state, facts in STATES.items():
        assert not (facts.concluded and facts.open), state
    # Escalation never moves the stage.
    for (s, c), to in TRANSITIONS.items():
        if c == Command.ESCALATE:
            assert s == to
            assert s in OPEN_STATUSES


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.sampled_from([c for c in Command if c != Command.ESCALATE]), max_size=8))
def test_any_sequence_follows_the_table(steps: list[Command], tree: Any, users: Any) -> None:
    actor = users["community_staff"]
    dispute = make_dispute(actor, GRID)
    parties = list(Party.objects.unscoped().filter(dispute=dispute).values_list("pk", flat=True))
    state = Status.REGISTERED
    for command in steps:
        payload = PAYLOADS.get(command, {}) | {"terms": "赔偿800元", "consents": parties}
        expected = TRANSITIONS.get((state, command))
        version = dispute.version
        if expected is None:
            with pytest.raises(Conflict):
                dispute_apply(
                    actor=actor,
                    dispute_id=dispute.pk,
                    command=command,
                    expected_version=version,
                    note="理由",
                    payload=payload,
                )
            dispute.refresh_from_db()
            assert dispute.status == state
            assert dispute.version == version
            continue
        dispute = dispute_apply(
            actor=actor,
            dispute_id=dispute.pk,
            command=command,
            expected_version=version,
            note="理由",
            payload=payload,
        )
        state = expected
        assert dispute.status == state
        assert getattr(dispute, STATES[state].stamp) is not None
    steps_written = DisputeStep.objects.unscoped().filter(dispute=dispute).count()
    assert steps_written == Dispute.objects.unscoped().get(pk=dispute.pk).version
