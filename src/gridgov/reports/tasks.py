"""The reports on Celery: the morning fan-out on beat, and one task per report.

`generate` is routed to REPORT_QUEUE (GRIDGOV_REPORT_QUEUE): in production a worker of its
own consumes it, one PDF at a time and restarted after a few tasks or past its memory cap,
because a WeasyPrint render can take hundreds of MiB (ADR 0031)."""

from __future__ import annotations

from datetime import date

from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node
from gridgov.reports import actions
from gridgov.tasks.engine import GridTask, app


@app.task(base=GridTask, name=actions.GENERATE_TASK)
def generate(
    period: str, start: str, node_id: int | None = None, department_id: int | None = None
) -> int:
    node = Node.objects.unscoped().get(pk=node_id) if node_id is not None else None
    department = (
        Department.objects.unscoped().select_related("node").get(pk=department_id)
        if department_id is not None
        else None
    )
    report = actions.report_generate(
        node=node, department=department, period=period, start=date.fromisoformat(start)
    )
    return report.pk


@app.task(base=GridTask, name="gridgov.reports.morning")
def morning() -> int:
    return actions.reports_fan_out()
