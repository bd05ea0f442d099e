"""What each account sees, the department queue, and the numbers the statistics give."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.testing.tree import Tree
from gridgov.whistle.actions import summons_part_done, summons_rate, summons_report
from gridgov.whistle.models import Summons, Whistle
from gridgov.whistle.selectors import (
    department_whistle_stats,
    summons_for_department,
    whistle_get,
    whistles_visible,
)
from gridgov.whistle.tests.conftest import Blow
from gridgov.worktime.calendar import SHANGHAI, deadline


def test_each_account_sees_its_own_whistles(blow: Blow, people: dict[str, User]) -> None:
    whistle = blow(department_codes=["320104-fire"])
    for name in ("dispatcher", "commander", "analyst", "handler"):
        assert list(whistles_visible(people[name])) == [whistle], name
    for name in ("sibling_dispatcher", "sibling_commander", "other_handler", "far_handler"):
        assert list(whistles_visible(people[name])) == [], name
        with pytest.raises(NotFound):
            whistle_get(people[name], whistle.pk)


def test_the_department_queue_sorts_to_report_in_hand_and_late(
    blow: Blow, people: dict[str, User]
) -> None:
    handler = people["handler"]
    first = blow().summonses.get(department__code="320104-fire")
    second = blow().summonses.get(department__code="320104-fire")
    summons_report(actor=handler, summons_id=first.pk)
    queue = summons_for_department(handler, now=second.report_due_at + timedelta(minutes=1))
    assert (queue.to_report, queue.in_hand, queue.late) == ([second], [first], [second])
    summons_part_done(actor=handler, summons_id=first.pk, description="已完成")
    assert summons_for_department(handler).in_hand == []
    with pytest.raises(PermissionDenied):
        summons_for_department(people["dispatcher"])


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def _timed(whistle: Whistle, blown: datetime, reported: dict[str, datetime]) -> None:
    """Put a whistle at a known moment, and its departments' reports after it."""
    Whistle.objects.filter(pk=whistle.pk).update(blown_at=blown)
    for summons in whistle.summonses.select_related("department"):
        Summons.objects.filter(pk=summons.pk).update(
            report_due_at=deadline(blown, summons.limit_minutes, natural=False),
            reported_at=reported.get(summons.department.code),
        )


def test_statistics_count_working_minutes_on_time_reports_and_ratings(
    blow: Blow, people: dict[str, User], tree: Tree
) -> None:
    dispatcher = people["dispatcher"]
    # Monday 9 November 2026: the morning ends at 12:00, the afternoon starts at 13:30.
    both = blow()
    _timed(both, _at(9, 11, 50), {"320104-fire": _at(9, 13, 40), "320104-urban": _at(9, 14, 10)})
    fire_only = blow(department_codes=["320104-fire"])
    _timed(fire_only, _at(10, 9, 0), {"320104-fire": _at(10, 9, 30)})
    old = blow(department_codes=["320104-urban"])
    _timed(old, _at(2, 9, 0), {})
    for whistle, rating in ((both, 4), (fire_only, 2)):
        fire = whistle.summonses.get(department__code="320104-fire")
        summons_rate(actor=dispatcher, summons_id=fire.pk, rating=rating)
    urban = both.summonses.get(department__code="320104-urban")
    summons_rate(actor=dispatcher, summons_id=urban.pk, rating=5)

    stats = department_whistle_stats(dispatcher, tree["320104001"], _at(5, 0, 0))
    got = {
        s.department.code: (
            s.summoned,
            s.reported,
            s.reported_on_time,
            s.average_report_minutes,
            s.average_rating,
            s.rated,
        )
        for s in stats
    }
    # fire: 20 and 30 working minutes, both on time; urban: 50 minutes, 10 past its limit.
    assert got == {
        "320104-fire": (2, 2, 2, 25.0, 3.0, 2),
        "320104-urban": (1, 1, 0, 50.0, 5.0, 1),
    }
    since_earlier = department_whistle_stats(people["commander"], tree["320104"], _at(1, 0, 0))
    assert {s.department.code: s.summoned for s in since_earlier} == {
        "320104-fire": 2,
        "320104-urban": 2,
    }
    handler_view = department_whistle_stats(people["handler"], tree["320104"], _at(1, 0, 0))
    assert [s.department.code for s in handler_view] == ["320104-fire"]
    with pytest.raises(NotFound):
        department_whistle_stats(people["sibling_dispatcher"], tree["320104001"], _at(1, 0, 0))
    assert department_whistle_stats(dispatcher, tree["320104001"], timezone.now()) == []
