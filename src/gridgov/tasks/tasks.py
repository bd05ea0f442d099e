"""The periodic jobs and the outbox drain, run by workers on the beat's schedule."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from gridgov.audit.actions import audit_chain as audit_chain_links
from gridgov.tasks import actions
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name="gridgov.tasks.periodic")
def periodic() -> None:
    """Every sweep in its order (run_periodic); each is safe to run twice, so a retry or an
    overlapping run repeats no escalation. A failed sweep fails the task, which retries."""
    # run_periodic logs each job's counts; its printed copy is for a terminal.
    call_command("run_periodic", stdout=StringIO())
    actions.job_run_record(name="periodic")


@app.task(base=GridTask, name="gridgov.tasks.outbox_drain")
def outbox_drain() -> int:
    return actions.outbox_drain()


@app.task(base=GridTask, name="gridgov.tasks.audit_chain")
def audit_chain() -> int:
    """Link the audit entries committed since the last run into the hash chain (ADR 0034);
    the recent ones only: run_periodic's full run finds any straggler."""
    return audit_chain_links(full=False)
