"""Two people answering one task at once, the same change pushed twice at once, two sweeps."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict
from gridgov.events.tests.test_concurrency import race
from gridgov.registry.models import Person
from gridgov.registry.tests.factories import ID_NUMBER, Records
from gridgov.verification.actions import change_propose, stale_sweep, task_decide
from gridgov.verification.models import Status, VerificationTask
from gridgov.verification.tests.factories import propose_phone


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_one_wins(users: dict[str, Any], records: Records) -> None:
    task = propose_phone(users["community_staff"])
    answers = race(
        lambda: task_decide(actor=users["grid_worker"], task_id=task.pk, decision="confirm"),
        lambda: task_decide(
            actor=users["community_staff"],
            task_id=task.pk,
            decision="correct",
            corrected_values={"name": "另一个名字"},
        ),
    )
    winners = [a for a in answers if isinstance(a, VerificationTask)]
    losers = [a for a in answers if isinstance(a, Conflict)]
    assert len(winners) == 1, answers
    assert len(losers) == 1, answers
    assert losers[0].code == "already_decided"
    assert AuditEntry.objects.filter(action="verification.decide").count() == 1
    person = Person.objects.get(pk=records.person.pk)
    expected = "目标居民新名" if winners[0].status == Status.CONFIRMED else "另一个名字"
    assert person.name == expected
    assert person.verified_by == winners[0].decided_by


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_push_twice_at_once_makes_one_task(
    users: dict[str, Any], records: Records
) -> None:
    def push() -> Any:
        return change_propose(
            actor=users["community_staff"],
            source="api_push",
            record_kind="person",
            id_number=ID_NUMBER,
            changes={"kind": "floating"},
        )

    answers = race(push, push)
    assert all(not isinstance(a, Exception) for a in answers), answers
    assert sorted(a.created for a in answers) == [False, True]
    assert answers[0].task.pk == answers[1].task.pk
    assert VerificationTask.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_make_each_task_once(users: dict[str, Any], records: Records) -> None:
    answers = race(
        lambda: stale_sweep(actor=None, days=30), lambda: stale_sweep(actor=None, days=30)
    )
    assert all(isinstance(a, int) for a in answers), answers
    # The home, the tenant and the organisation, once each.
    assert VerificationTask.objects.filter(source="stale").count() == 3
