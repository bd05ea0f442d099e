"""The field-work day, run by the beat (hourly) and by `manage.py fieldwork_daily`: today's
and tomorrow's patrol tasks from the plans, today's due care visits, and the daily table
for yesterday and today. Every step is idempotent (tasks by source key, the table rebuilt
whole per day), so a retried or overlapping run changes nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from gridgov.fieldwork.actions.figures import field_daily_rebuild
from gridgov.fieldwork.actions.patrols import patrol_tasks_generate
from gridgov.fieldwork.actions.visits import visit_tasks_generate


@dataclass(frozen=True)
class DailyResult:
    patrols: int
    visits: int
    rows: int


def fieldwork_daily(*, day: date | None = None) -> DailyResult:
    today = day or timezone.localdate()
    patrols = patrol_tasks_generate(day=today) + patrol_tasks_generate(
        day=today + timedelta(days=1)
    )
    visits = visit_tasks_generate(day=today)
    rows = field_daily_rebuild(day=today - timedelta(days=1)) + field_daily_rebuild(day=today)
    return DailyResult(patrols, visits, rows)
