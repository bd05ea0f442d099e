"""Every write of field work. The task contract other domains build on is re-exported here:
field_task_create, field_tasks_create_many, field_task_complete, field_task_cancel,
field_task_report_finding, TaskSpec and checkin_record."""

from gridgov.fieldwork.actions.tasks import (
    TaskSpec,
    checkin_record,
    distance_m,
    due_in_working_time,
    field_task_cancel,
    field_task_complete,
    field_task_create,
    field_task_report_finding,
    field_tasks_create_many,
)

__all__ = [
    "TaskSpec",
    "checkin_record",
    "distance_m",
    "due_in_working_time",
    "field_task_cancel",
    "field_task_complete",
    "field_task_create",
    "field_task_report_finding",
    "field_tasks_create_many",
]
