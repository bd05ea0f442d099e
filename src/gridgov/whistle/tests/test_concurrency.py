"""Two sweeps at the same moment, and two dispatchers blowing at once: one of each wins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.core.errors import Conflict
from gridgov.events.models import Event
from gridgov.events.tests.test_concurrency import race
from gridgov.testing.tree import Tree
from gridgov.testing.users import make_user
from gridgov.whistle.actions import whistle_blow, whistle_sweep
from gridgov.whistle.models import Whistle, WhistleLog
from gridgov.whistle.tests.conftest import Blow


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_sweeps_escalate_each_late_report_once(blow: Blow) -> None:
    whistle = blow()
    later = max(s.report_due_at for s in whistle.summonses.all()) + timedelta(minutes=1)
    answers = race(*([lambda: whistle_sweep(now=later)] * 3))
    escalated = [pk for answer in answers for pk in answer]
    assert sorted(escalated) == sorted(whistle.summonses.values_list("pk", flat=True))
    assert WhistleLog.objects.filter(step="escalate").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_blowing_at_once_leave_one_open_whistle(
    blow: Blow, people: dict[str, User], tree: Tree, registered: Callable[[], Event]
) -> None:
    other = make_user("sd-b", Role.SUBDISTRICT_DISPATCHER, node=tree["320104001"])
    number = registered().number

    def attempt(actor: User) -> object:
        return whistle_blow(
            actor=actor,
            event_number=number,
            reason="spans_areas",
            department_codes=["320104-fire"],
        )

    answers = race(lambda: attempt(people["dispatcher"]), lambda: attempt(other))
    assert sum(isinstance(a, Whistle) for a in answers) == 1, answers
    assert sum(isinstance(a, Conflict) for a in answers) == 1, answers
    assert Whistle.objects.count() == 1
