"""Linked command's background work: an instruction's fan-out, and the sweep that escalates
unacknowledged urgent instructions and closes activations past their planned end, and the
retention of duty check-ins."""

from __future__ import annotations

from gridgov.command.actions.instructions import instruction_fan_out, instructions_escalate
from gridgov.command.actions.plans import activations_expire
from gridgov.command.actions.retention import checkins_expire
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.command.fan_out")
def fan_out(*, instruction_id: int) -> int:
    return instruction_fan_out(instruction_id=instruction_id)


@app.task(base=GridTask, name="gridgov.command.sweep")
def sweep() -> dict[str, int]:
    return {"escalated": instructions_escalate(), "expired": activations_expire()}


@app.task(base=GridTask, name="gridgov.command.checkins_expire")
def checkins_retention() -> int:
    return checkins_expire()
