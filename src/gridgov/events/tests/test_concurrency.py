"""Two people pressing a button on the same event at the same moment: one of them wins; two
sweepers running at once: each overdue stage escalates once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from gridgov.accounts.models import User
from gridgov.core.errors import Conflict
from gridgov.events.actions.sweep import SweepResult, events_sweep
from gridgov.events.models import Deadline, Event, EventTransition
from gridgov.events.tests.test_escalation import overdue_now
from gridgov.events.workflow import AUTO_ESCALATE, Command, Status
from gridgov.testing.loop import Report, apply


def race(*attempts: Callable[[], Any]) -> list[Any]:
    """Run the attempts in threads released together; each answer is a result or an error."""
    barrier = threading.Barrier(len(attempts))
    answers: list[Any] = [None] * len(attempts)

    def run(i: int) -> None:
        try:
            barrier.wait()
            answers[i] = attempts[i]()
        except Exception as exc:
            answers[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "commands", [(Command.REGISTER, Command.REGISTER), (Command.REGISTER, Command.REJECT)]
)
def test_two_writers_at_one_version_one_wins(
    commands: tuple[Command, Command], report: Report, loop_users: dict[str, User]
) -> None:
    event = report()
    answers = race(*(lambda c=c: apply(loop_users, event, c) for c in commands))
    winners = [a for a in answers if isinstance(a, Event)]
    losers = [a for a in answers if isinstance(a, Conflict)]
    assert len(winners) == 1
    assert len(losers) == 1, answers
    event.refresh_from_db()
    assert event.version == 2
    assert event.status in {Status.REGISTERED, Status.REJECTED}
    assert EventTransition.objects.filter(event=event).exclude(command="report").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_get_distinct_numbers(report: Report) -> None:
    answers = race(*([report] * 4))
    assert all(isinstance(a, Event) for a in answers), answers
    assert len({a.number for a in answers}) == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_escalate_each_stage_once(report: Report) -> None:
    events = [report() for _ in range(12)]
    moment = max(overdue_now(e) for e in events)
    answers = race(
        lambda: events_sweep(moment, batch_size=5), lambda: events_sweep(moment, batch_size=5)
    )
    assert all(isinstance(a, SweepResult) for a in answers), answers
    assert sum(a.escalated for a in answers) == 12
    steps = EventTransition.objects.filter(command=AUTO_ESCALATE)
    assert sorted(steps.values_list("event_id", flat=True)) == sorted(e.pk for e in events)
    assert not Deadline.objects.filter(escalated_at__isnull=True).exists()
    assert {e.version for e in Event.objects.all()} == {2}
    assert events_sweep(moment).escalated == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweeper_leaves_a_case_someone_is_working_on_for_the_next_run(
    report: Report,
) -> None:
    busy, idle = report(), report()
    moment = max(overdue_now(e) for e in (busy, idle))
    locked, release = threading.Event(), threading.Event()

    def person() -> None:
        """Holds the event's row lock, as event_apply does while it checks a command."""
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=person)
    thread.start()
    assert locked.wait(timeout=30)
    try:
        assert events_sweep(moment).escalated == 1
    finally:
        release.set()
        thread.join(timeout=30)
    assert Deadline.objects.get(event=busy).escalated_at is None
    assert Deadline.objects.get(event=idle).escalated_at == moment
    assert events_sweep(moment).escalated == 1
    assert EventTransition.objects.filter(command=AUTO_ESCALATE).count() == 2
