"""The decisions' periodic task: mitigation measures past their deadline."""

from __future__ import annotations

from gridgov.decisions.actions import mitigations_sweep
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.decisions.mitigations_sweep")
def mitigations_sweep_task() -> int:
    return mitigations_sweep()
