"""The dead-letter view and the outbox backlog, for the system administrator."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gridgov.tasks.models import DeadTask, JobRun, OutboxMessage


class ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DeadTask)
class DeadTaskAdmin(ReadOnly, admin.ModelAdmin[DeadTask]):
    list_display = ["failed_at", "task", "task_id", "error"]
    list_filter = ["task"]
    search_fields = ["task", "task_id", "error"]
    date_hierarchy = "failed_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly, admin.ModelAdmin[OutboxMessage]):
    list_display = ["created_at", "task", "attempts", "last_error"]
    list_filter = ["task"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnly, admin.ModelAdmin[JobRun]):
    list_display = ["name", "last_ok_at"]
