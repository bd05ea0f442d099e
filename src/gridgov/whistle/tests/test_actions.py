"""The whistle flow through the actions: blow, report, part done, verify, rate, sweep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.events.models import Event, EventTransition
from gridgov.events.workflow import Command, Status
from gridgov.testing.loop import Report, Walk, apply
from gridgov.whistle.actions import (
    summons_part_done,
    summons_part_verify,
    summons_rate,
    summons_report,
    whistle_blow,
    whistle_sweep,
)
from gridgov.whistle.models import Summons, Whistle, WhistleLog
from gridgov.whistle.selectors import summonses_escalated
from gridgov.whistle.tests.conftest import Blow
from gridgov.worktime.calendar import deadline


def finish(people: dict[str, User], summons: Summons) -> None:
    handler = people["handler" if summons.department.code == "320104-fire" else "other_handler"]
    summons_report(actor=handler, summons_id=summons.pk)
    summons_part_done(actor=handler, summons_id=summons.pk, description="已处理本部门部分")
    summons_part_verify(actor=people["dispatcher"], summons_id=summons.pk)


def test_blow_summons_each_department_with_a_working_time_limit(
    blow: Blow, people: dict[str, User]
) -> None:
    whistle = blow(limits={"320104-urban": 60})
    fire, urban = whistle.summonses.order_by("department__code")
    assert (fire.limit_minutes, urban.limit_minutes) == (30, 60)
    assert fire.report_due_at == deadline(whistle.blown_at, 30, natural=False)
    assert urban.report_due_at == deadline(whistle.blown_at, 60, natural=False)
    assert whistle.node.code == "320104001"
    assert WhistleLog.objects.filter(whistle=whistle, step="blow").count() == 1
    assert AuditEntry.objects.filter(action="whistle.blow", target_id=str(whistle.pk)).exists()


def test_blowing_makes_the_subdistrict_the_events_addressee(
    blow: Blow, people: dict[str, User]
) -> None:
    whistle = blow()
    event = Event.objects.get(pk=whistle.event_id)
    assert event.status == Status.ACCEPTED
    assert event.owner.code == "320104001"
    assert event.assigned_department is None
    steps = EventTransition.objects.filter(event=event).values_list("command", flat=True)
    assert list(steps)[-2:] == [Command.DISPATCH, Command.ACCEPT]


def test_the_event_is_handled_when_every_part_is_verified(
    blow: Blow, people: dict[str, User]
) -> None:
    whistle = blow()
    fire, urban = whistle.summonses.order_by("department__code")
    finish(people, fire)
    assert Event.objects.get(pk=whistle.event_id).status == Status.ACCEPTED
    assert Whistle.objects.get(pk=whistle.pk).closed_at is None
    finish(people, urban)
    event = Event.objects.get(pk=whistle.event_id)
    assert event.status == Status.HANDLED
    handled = EventTransition.objects.get(event=event, command=Command.HANDLE)
    assert "秦淮区消防救援大队" in handled.note
    assert handled.actor == people["dispatcher"]
    assert Whistle.objects.get(pk=whistle.pk).closed_at is not None
    steps = list(WhistleLog.objects.filter(whistle=whistle).values_list("step", flat=True))
    assert steps[0] == "blow"
    assert steps[-1] == "close"
    assert steps.count("verify") == 2


def test_a_whistle_on_a_case_dispatched_to_one_department_leaves_the_loop_to_it(
    walk: Walk, people: dict[str, User]
) -> None:
    event = walk(Status.ACCEPTED)
    whistle = whistle_blow(
        actor=people["dispatcher"],
        event_number=event.number,
        reason="several_levels",
        department_codes=["320104-urban"],
    )
    assert Event.objects.get(pk=event.pk).version == event.version
    finish(people, whistle.summonses.get())
    assert Event.objects.get(pk=event.pk).status == Status.ACCEPTED
    assert Whistle.objects.get(pk=whistle.pk).closed_at is not None


def test_only_a_subdistrict_dispatcher_blows_and_only_inside_the_subdistrict(
    blow: Blow, people: dict[str, User], registered: Callable[[], Event]
) -> None:
    number = registered().number
    for name in ("grid_worker", "community_staff", "commander", "handler"):
        with pytest.raises(PermissionDenied):
            blow(actor=people[name], event_number=number)
    with pytest.raises(NotFound):
        blow(actor=people["sibling_dispatcher"], event_number=number)
    assert not Whistle.objects.exists()


def test_bad_input_lists_every_problem_and_writes_nothing(
    blow: Blow, registered: Callable[[], Event]
) -> None:
    event = registered()
    with pytest.raises(InvalidInput) as refused:
        blow(
            event_number=event.number,
            reason="boredom",
            department_codes=["320104-fire", "nope", "320105-urban", "320104-fire"],
            limits={"320104-fire": 0, "ghost": 10},
        )
    found = {(p.code, p.item) for p in refused.value.problems}
    assert found == {
        ("unknown_reason", "boredom"),
        ("unknown_department", "nope"),
        ("unknown_department", "320105-urban"),
        ("duplicate_department", "320104-fire"),
        ("bad_limit", "320104-fire"),
        ("limit_not_summoned", "ghost"),
    }
    with pytest.raises(InvalidInput):
        blow(event_number=event.number, department_codes=[])
    assert not Whistle.objects.exists()
    assert not WhistleLog.objects.exists()
    assert Event.objects.get(pk=event.pk).version == event.version


def test_one_open_whistle_per_event_and_only_on_open_events(
    blow: Blow, walk: Walk, people: dict[str, User]
) -> None:
    whistle = blow()
    with pytest.raises(Conflict) as twice:
        blow(event_number=whistle.event.number)
    assert twice.value.code == "whistle_open"
    closed = walk(Status.CLOSED)
    with pytest.raises(Conflict) as shut:
        blow(event_number=closed.number)
    assert shut.value.code == "event_not_open"


def test_only_the_summoned_department_reports_and_only_once(
    blow: Blow, people: dict[str, User]
) -> None:
    fire = blow().summonses.get(department__code="320104-fire")
    with pytest.raises(PermissionDenied):
        summons_report(actor=people["dispatcher"], summons_id=fire.pk)
    with pytest.raises(NotFound):
        summons_report(actor=people["other_handler"], summons_id=fire.pk)
    with pytest.raises(NotFound):
        summons_report(actor=people["far_handler"], summons_id=fire.pk)
    with pytest.raises(NotFound):
        summons_report(actor=people["sibling_dispatcher"], summons_id=fire.pk)
    with pytest.raises(Conflict):
        summons_part_done(actor=people["handler"], summons_id=fire.pk, description="x")
    summons_report(actor=people["handler"], summons_id=fire.pk)
    with pytest.raises(Conflict):
        summons_report(actor=people["handler"], summons_id=fire.pk)
    with pytest.raises(InvalidInput):
        summons_part_done(actor=people["handler"], summons_id=fire.pk, description="  ")
    with pytest.raises(Conflict):
        summons_part_verify(actor=people["dispatcher"], summons_id=fire.pk)
    summons_part_done(actor=people["handler"], summons_id=fire.pk, description="已疏散")
    with pytest.raises(PermissionDenied):
        summons_part_verify(actor=people["handler"], summons_id=fire.pk)
    with pytest.raises(PermissionDenied):
        summons_part_verify(actor=people["commander"], summons_id=fire.pk)
    summons_part_verify(actor=people["dispatcher"], summons_id=fire.pk)
    with pytest.raises(Conflict):
        summons_part_verify(actor=people["dispatcher"], summons_id=fire.pk)


def test_the_subdistrict_rates_each_response_after_the_report(
    blow: Blow, people: dict[str, User]
) -> None:
    fire = blow().summonses.get(department__code="320104-fire")
    with pytest.raises(Conflict):
        summons_rate(actor=people["dispatcher"], summons_id=fire.pk, rating=4)
    summons_report(actor=people["handler"], summons_id=fire.pk)
    for bad in (0, 6, True):
        with pytest.raises(InvalidInput):
            summons_rate(actor=people["dispatcher"], summons_id=fire.pk, rating=bad)
    with pytest.raises(PermissionDenied):
        summons_rate(actor=people["handler"], summons_id=fire.pk, rating=4)
    rated = summons_rate(
        actor=people["dispatcher"], summons_id=fire.pk, rating=4, comment=" 响应及时 "
    )
    assert (rated.rating, rated.rating_comment, rated.rated_by) == (
        4,
        "响应及时",
        people["dispatcher"],
    )
    with pytest.raises(Conflict):
        summons_rate(actor=people["dispatcher"], summons_id=fire.pk, rating=5)


def test_a_late_report_is_escalated_to_the_district_exactly_once(
    blow: Blow, people: dict[str, User]
) -> None:
    whistle = blow()
    fire, urban = whistle.summonses.order_by("department__code")
    summons_report(actor=people["handler"], summons_id=fire.pk)
    later = urban.report_due_at + timedelta(minutes=1)
    assert whistle_sweep(now=urban.report_due_at) == []
    assert whistle_sweep(now=later) == [urban.pk]
    assert whistle_sweep(now=later + timedelta(hours=1)) == []
    call_command("whistle_sweep")
    urban.refresh_from_db()
    assert urban.escalated_at == later
    assert WhistleLog.objects.filter(summons=urban, step="escalate").count() == 1
    assert AuditEntry.objects.filter(action="whistle.escalate").count() == 1
    assert list(summonses_escalated(people["commander"])) == [urban]
    assert list(summonses_escalated(people["sibling_commander"])) == []
    # The clock has really run out by now: the department reports late, and it shows.
    Summons.objects.filter(pk=urban.pk).update(report_due_at=timezone.now() - timedelta(minutes=1))
    summons_report(actor=people["other_handler"], summons_id=urban.pk)
    urban.refresh_from_db()
    assert urban.reported_late
    assert whistle_sweep(now=later + timedelta(days=1)) == []


def test_the_sweep_leaves_closed_whistles_alone(blow: Blow, people: dict[str, User]) -> None:
    whistle = blow(department_codes=["320104-fire"])
    finish(people, whistle.summonses.get())
    assert whistle_sweep(now=timezone.now() + timedelta(days=30)) == []


def test_a_whistle_may_be_blown_again_once_the_first_is_closed(
    blow: Blow, people: dict[str, User], report: Report
) -> None:
    event = apply(people, report(), Command.REGISTER)
    first = blow(event_number=event.number, department_codes=["320104-fire"])
    finish(people, first.summonses.get())
    event.refresh_from_db()
    event = apply(people, event, Command.REWORK, actor=people["dispatcher"])
    second = blow(event_number=event.number, department_codes=["320104-urban"])
    assert second.pk != first.pk


def test_a_closed_whistle_takes_no_more_steps_but_a_rating(
    blow: Blow, people: dict[str, User]
) -> None:
    summons = blow(department_codes=["320104-fire"]).summonses.get()
    finish(people, summons)
    with pytest.raises(Conflict) as closed:
        summons_report(actor=people["handler"], summons_id=summons.pk)
    assert closed.value.code == "whistle_closed"
    with pytest.raises(PermissionDenied):
        summons_report(actor=people["dispatcher"], summons_id=summons.pk)
    with pytest.raises(Conflict):
        summons_part_verify(actor=people["dispatcher"], summons_id=summons.pk)
    assert summons_rate(actor=people["dispatcher"], summons_id=summons.pk, rating=3).rating == 3
