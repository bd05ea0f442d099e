"""Field work's periodic task on the beat (settings.CELERY_BEAT_SCHEDULE["fieldwork_daily"])."""

from __future__ import annotations

from gridgov.fieldwork.actions.daily import fieldwork_daily
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.fieldwork.daily")
def fieldwork_daily_task() -> dict[str, int]:
    result = fieldwork_daily()
    return {"patrols": result.patrols, "visits": result.visits, "rows": result.rows}
