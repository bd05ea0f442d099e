"""Duty check-ins go after their retention; the attendance they proved stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.command.actions.retention import checkins_expire
from gridgov.fieldwork.models import CheckIn, Duty, FieldDaily
from gridgov.fieldwork.selectors import attendance_month
from gridgov.testing.tree import HERE
from gridgov.worktime.calendar import is_working_day

pytestmark = pytest.mark.django_db


def test_old_check_ins_are_deleted_once_and_their_attendance_stays(
    users: dict[str, User], settings: object
) -> None:
    worker = users["grid_worker"]
    grid = worker.node
    assert grid is not None
    now = timezone.now()
    for days, duty in ((40, Duty.START), (40, Duty.END), (29, Duty.START)):
        CheckIn.objects.create(
            user=worker,
            node=grid,
            duty=duty,
            at=now - timedelta(days=days, hours=duty == Duty.START),
            lon=HERE[0],
            lat=HERE[1],
        )
    assert checkins_expire(now=now) == 2
    assert list(CheckIn.objects.unscoped().values_list("duty", flat=True)) == [Duty.START]
    old_day = timezone.localdate(now - timedelta(days=40, hours=1))
    assert FieldDaily.objects.unscoped().get(worker=worker, day=old_day).present
    month = attendance_month(worker, grid, old_day.year, old_day.month)
    assert next(r for r in month if r.worker == worker).present_days == int(is_working_day(old_day))
    assert AuditEntry.objects.filter(action="command.checkins_expire").count() == 1
    # Idempotent: nothing more to delete, and nothing more recorded.
    assert checkins_expire(now=now) == 0
    assert AuditEntry.objects.filter(action="command.checkins_expire").count() == 1
    # A shorter retention setting reaches the 29-day-old one.
    settings.COMMAND_CHECKIN_RETENTION_DAYS = 7  # type: ignore[attr-defined]
    assert checkins_expire(now=now) == 1
