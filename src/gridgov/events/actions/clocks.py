"""The stage clocks an event's steps start, pause, move and end (ADR 0015)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gridgov.events.models import Deadline, Event
from gridgov.events.workflow import STAGE_OF_STATUS, UNJUDGED_ENDS, Command, Outcome, Stage, Status
from gridgov.worktime.calendar import Calendar, deadline, working_minutes_between


def _clock(
    event: Event, stage: Stage, now: datetime, calendar: Calendar | None = None
) -> dict[str, Any]:
    """In UTC, as the database gives it back: the filing's answer shows these without reading.
    A caller that holds the calendar passes it, sparing the read of its revision."""
    category = event.category
    minutes, natural = category.limit_minutes(stage), category.natural_time
    due = (
        calendar.deadline(now, minutes, natural=natural)
        if calendar is not None
        else deadline(now, minutes, natural=natural)
    )
    return {"started_at": now, "due_at": due.astimezone(UTC), "ended_at": None}


def _start_clock(event: Event, stage: Stage, now: datetime) -> None:
    """A new attempt at the stage; one escalated before stays escalated (ADR 0006)."""
    escalated = (
        Deadline.objects.filter(event=event, stage=stage, escalated_at__isnull=False)
        .values_list("escalated_at", flat=True)
        .first()
    )
    Deadline.objects.create(
        event=event, stage=stage, escalated_at=escalated, **_clock(event, stage, now)
    )


def _paused_minutes(event: Event, since: datetime, now: datetime) -> int:
    if event.category.natural_time:
        return round((now - since) / timedelta(minutes=1))
    return round(working_minutes_between(since, now))


def _resume_clock(event: Event, attempt: Deadline, paused_at: datetime, now: datetime) -> None:
    """The paused span moves the due time by as much of the category's time as it lasted."""
    minutes = _paused_minutes(event, paused_at, now)
    attempt.due_at = deadline(attempt.due_at, minutes, natural=event.category.natural_time)
    attempt.paused_minutes += minutes
    attempt.paused_at = None
    attempt.save(update_fields=["due_at", "paused_minutes", "paused_at"])


def _move_clocks(event: Event, cmd: Command, before: Status, after: Status, now: datetime) -> None:
    """End the running attempt when the event leaves its stage and start one for the stage
    entered; suspension pauses the running attempt instead. Only the running attempt is
    written: finished ones are history."""
    if before == after:
        return
    running = Deadline.objects.filter(event=event, ended_at__isnull=True).first()
    if after == Status.SUSPENDED:
        if running is not None:
            Deadline.objects.filter(pk=running.pk).update(paused_at=now)
        return
    if running is not None and running.paused_at is not None:
        _resume_clock(event, running, running.paused_at, now)
    stage = STAGE_OF_STATUS.get(after)
    if running is not None and running.stage == stage:
        return
    if running is not None:
        outcome = UNJUDGED_ENDS.get(cmd) or (
            Outcome.ON_TIME if now <= running.due_at else Outcome.OVERDUE
        )
        Deadline.objects.filter(pk=running.pk).update(ended_at=now, outcome=outcome)
    if stage is not None:
        _start_clock(event, stage, now)


def _extend_handle_clock(event: Event, minutes: int) -> None:
    row = Deadline.objects.get(event=event, stage=Stage.HANDLE, ended_at__isnull=True)
    row.due_at = deadline(row.due_at, minutes, natural=event.category.natural_time)
    row.save(update_fields=["due_at"])
