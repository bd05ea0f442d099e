"""Each state's facts are declared once, in events.workflow.STATES, and every map keyed by
status is derived from them: a new state that forgets a fact fails here, not in front of a
resident or an Open311 client."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils import translation

from gridgov.events import queues
from gridgov.events.models import Event
from gridgov.events.workflow import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    STAGE_OF_STATUS,
    STATES,
    TRANSITIONS,
    VOID_STATUSES,
    Command,
    Status,
    commands_to,
    statuses_allowing,
)
from gridgov.residents.selectors import _STEP_STAMPS
from gridgov.whistle.actions import TAKE_OVER

# FixMyStreet's service request update statuses (Open311 GeoReport v2 extension).
FIXMYSTREET_STATUSES = {
    "open",
    "investigating",
    "action_scheduled",
    "in_progress",
    "fixed",
    "no_further_action",
    "closed",
    "duplicate",
    "unable_to_fix",
    "not_responsible",
    "internal_referral",
}


def test_every_status_has_its_facts_in_the_order_of_the_choices() -> None:
    # The order is kept: OPEN_STATUSES is a partial index's condition in a migration.
    assert list(STATES) == list(Status)


@pytest.mark.parametrize("status", list(Status))
def test_each_state_is_open_closed_or_void(status: Status) -> None:
    facts = STATES[status]
    assert [facts.open, facts.closed, facts.void].count(True) == 1
    assert facts.public == ("open" if facts.open else "closed")
    if facts.stage is not None:
        assert facts.open, "a clock runs only while the event is worked on"


@pytest.mark.parametrize("status", list(Status))
def test_each_stamp_is_a_timestamp_of_the_event(status: Status) -> None:
    field = Event._meta.get_field(STATES[status].stamp)
    assert isinstance(field, models.DateTimeField)
    assert field.null


def test_no_two_states_share_a_stamp() -> None:
    stamps = [facts.stamp for facts in STATES.values()]
    assert len(set(stamps)) == len(stamps)


@pytest.mark.parametrize("status", list(Status))
def test_each_state_speaks_to_open311_and_residents(status: Status) -> None:
    facts = STATES[status]
    assert facts.open311 in FIXMYSTREET_STATUSES
    with translation.override("en"):
        english = str(facts.note)
    with translation.override("zh-hans"):
        assert str(facts.note) not in {"", english}


def test_every_derived_map_covers_every_status() -> None:
    assert set(OPEN_STATUSES) | set(CLOSED_STATUSES) | set(VOID_STATUSES) == set(Status)
    assert set(STAGE_OF_STATUS) <= set(OPEN_STATUSES)
    assert set(TAKE_OVER) == set(Status)
    assert set(_STEP_STAMPS) == {STATES[s].stamp for s in Status if s != Status.REPORTED}
    states_in_transitions = {s for s, _c in TRANSITIONS} | set(TRANSITIONS.values())
    assert states_in_transitions == set(Status), "every state is reached or left by the table"


def test_the_closed_and_void_states_are_those_of_the_indicators() -> None:
    assert set(CLOSED_STATUSES) == {Status.CLOSED, Status.EVALUATED}
    assert set(VOID_STATUSES) == {Status.CANCELLED, Status.REJECTED, Status.MERGED}


def test_each_work_queue_holds_the_states_its_command_waits_in() -> None:
    held = {
        q.key: set(statuses_allowing(q.waits_for))
        for q in queues.QUEUES.values()
        if q.waits_for is not None
    }
    assert held == {
        "to_register": {Status.REPORTED},
        "to_dispatch": {Status.REGISTERED, Status.RETURNED},
        "to_accept": {Status.DISPATCHED},
        "in_hand": {Status.ACCEPTED},
        "extensions": {Status.ACCEPTED},
        "to_verify": {Status.HANDLED},
        "to_evaluate": {Status.CLOSED},
    }


def test_the_whistle_takes_over_along_the_table() -> None:
    for status, path in TAKE_OVER.items():
        reached = status
        for command in path:
            reached = TRANSITIONS[Status(reached), command]
        assert reached == Status.ACCEPTED or not path
    assert {s for s, path in TAKE_OVER.items() if path} == {
        Status.REPORTED,
        Status.REGISTERED,
        Status.RETURNED,
        Status.DISPATCHED,
    }


def test_commands_to_stops_where_the_commands_do_not_lead() -> None:
    along = (Command.REGISTER, Command.DISPATCH, Command.ACCEPT)
    assert commands_to(Status.REPORTED, Status.ACCEPTED, along) == list(along)
    assert commands_to(Status.SUSPENDED, Status.ACCEPTED, along) == []
    assert commands_to(Status.ACCEPTED, Status.ACCEPTED, along) == []
    # Escalation leaves the state as it is: a walk along it goes nowhere, and ends.
    assert commands_to(Status.REGISTERED, Status.ACCEPTED, (Command.ESCALATE,)) == []
