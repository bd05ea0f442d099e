"""The dead-letter view and the outbox backlog, for the system administrator."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gridgov.accounts.requests import request_user
from gridgov.tasks.actions import dead_tasks_requeue
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
    actions = ["requeue"]

    @admin.action(description=_("Queue the selected tasks again"), permissions=["delete"])
    def requeue(self, request: HttpRequest, queryset: QuerySet[DeadTask]) -> None:
        count = dead_tasks_requeue(
            actor=request_user(request), ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(request, _("%(n)d tasks queued again.") % {"n": count})


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly, admin.ModelAdmin[OutboxMessage]):
    list_display = ["created_at", "task", "attempts", "last_error"]
    list_filter = ["task"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnly, admin.ModelAdmin[JobRun]):
    list_display = ["name", "last_ok_at"]
