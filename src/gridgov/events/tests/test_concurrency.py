"""Two people pressing a button on the same event at the same moment: one of them wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from gridgov.accounts.models import User
from gridgov.core.errors import Conflict
from gridgov.events.models import Event, EventTransition
from gridgov.events.tests.conftest import Report, apply
from gridgov.events.workflow import Command, Status


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
