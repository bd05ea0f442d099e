"""Constraints the database keeps whatever code writes to it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gridgov.events.models import Category, Deadline, Event, EventTransition
from gridgov.events.workflow import Stage
from gridgov.testing.loop import Report


def test_one_deadline_row_per_event_and_stage_so_one_escalation(report: Report) -> None:
    event = report()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(event=event, stage=Stage.REGISTER, started_at=now, due_at=now)
    overdue = Deadline.objects.filter(event=event, stage=Stage.REGISTER, escalated_at__isnull=True)
    assert overdue.update(escalated_at=now) == 1
    assert overdue.update(escalated_at=now) == 0


def test_category_codes_are_two_or_four_digits(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(code="1", name="x")


def test_ratings_are_one_to_five(report: Report) -> None:
    event = report()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(rating=9)


def test_the_timeline_is_append_only(report: Report) -> None:
    step = EventTransition.objects.get(event=report())
    step.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        step.save()
    with pytest.raises(ValueError, match="append-only"):
        step.delete()
