"""Random commands and overdue sweeps from random states: the status only ever follows
TRANSITIONS, each overdue stage escalates at most once, and no command rewrites a finished
attempt at a stage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gridgov.accounts.models import User
from gridgov.core.errors import Conflict, PermissionDenied
from gridgov.events.actions.sweep import events_sweep
from gridgov.events.models import Deadline, Event, EventTransition
from gridgov.events.workflow import (
    AUTO_ESCALATE,
    TRANSITIONS,
    Command,
    Status,
    command_permitted,
    commands_open,
)
from gridgov.testing.loop import Report, actor_for, apply


@pytest.mark.django_db
def test_random_commands_follow_the_table(report: Report, loop_users: dict[str, User]) -> None:
    seen: set[str] = set()

    class Loop(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.event = report()
            self.finished: dict[int, Any] = {}

        def transitions(self) -> int:
            return EventTransition.objects.filter(event=self.event).count()

        @rule(command=st.sampled_from(list(Command)), stale=st.booleans())
        def give(self, command: Command, stale: bool) -> None:
            before, count = self.event.status, self.transitions()
            allowed = command in commands_open(self.event)
            extra: dict[str, Any] = {"expected_version": self.event.version - 1} if stale else {}
            if allowed and not stale:
                self.event = apply(loop_users, self.event, command)
                assert self.event.status == TRANSITIONS[Status(before), command]
                assert self.transitions() == count + 1
                seen.add(self.event.status)
                return
            # Who may give a command is checked before the state: escalating a case owned
            # above the actor's level is forbidden, whatever the state.
            permitted = command_permitted(
                actor_for(loop_users, self.event, command), self.event, command
            )
            with pytest.raises(Conflict if permitted else PermissionDenied) as refused:
                apply(loop_users, self.event, command, **extra)
            if permitted:
                assert refused.value.code == ("stale_version" if allowed else "command_not_allowed")
            self.event = Event.objects.get(pk=self.event.pk)
            assert self.event.status == before
            assert self.transitions() == count

        @rule(data=st.data())
        def advance(self, data: st.DataObject) -> None:
            """Mostly refused commands alone would seldom get past the first states."""
            open_now = commands_open(self.event)
            if open_now:
                self.give(data.draw(st.sampled_from(open_now)), stale=False)

        @rule(days=st.integers(min_value=0, max_value=30))
        def sweep(self, days: int) -> None:
            """Time passes; whatever stage is overdue by then escalates, the state stays."""
            before = self.event.status
            events_sweep(timezone.now() + timedelta(days=days))
            self.event = Event.objects.get(pk=self.event.pk)
            assert self.event.status == before

        @invariant()
        def version_counts_the_timeline(self) -> None:
            assert self.event.version == self.transitions()

        @invariant()
        def one_auto_escalation_per_stage(self) -> None:
            per_stage = (
                EventTransition.objects.filter(event=self.event, command=AUTO_ESCALATE)
                .values("stage")
                .annotate(n=Count("id"))
            )
            assert all(row["n"] == 1 for row in per_stage)

        @invariant()
        def finished_attempts_are_history(self) -> None:
            rows = {
                row["id"]: row
                for row in Deadline.objects.filter(
                    event=self.event, ended_at__isnull=False
                ).values()
            }
            for pk, seen_then in self.finished.items():
                assert rows.get(pk) == seen_then
            self.finished = rows
            assert Deadline.objects.filter(event=self.event, ended_at__isnull=True).count() <= 1

    run_state_machine_as_test(
        Loop,
        settings=settings(
            max_examples=100, stateful_step_count=15, deadline=None, derandomize=True
        ),
    )
    assert seen == set(Status)
