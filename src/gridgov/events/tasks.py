"""The events' own periodic task: due-soon and overdue notices (the sweeper escalates)."""

from __future__ import annotations

from gridgov.events.notices import deadline_notices
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.events.deadline_notices")
def deadline_notices_task() -> int:
    return deadline_notices()
