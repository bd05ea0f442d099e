"""The inspections' daily job on the beat: the schedule makes the period's inspections (and
their field tasks), then the day figures are rebuilt. Both are safe to run twice."""

from __future__ import annotations

from gridgov.inspections.actions import inspections_schedule
from gridgov.inspections.actions.figures import inspection_figures_refresh
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.inspections.daily")
def inspections_daily() -> dict[str, int]:
    scheduled = inspections_schedule()
    rows = inspection_figures_refresh()
    return {"venues": scheduled.venues, "created": scheduled.created, "figure_rows": rows}
