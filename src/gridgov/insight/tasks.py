"""The monthly figures, indices and prompt notices, on the beat (hourly: this month so far,
last month in full, replies gone overdue). Idempotent: each month is replaced whole."""

from __future__ import annotations

from gridgov.insight.actions import insight_refresh
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.insight.refresh")
def insight_refresh_task() -> dict[str, int]:
    return insight_refresh()
