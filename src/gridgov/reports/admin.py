"""Reports in the admin: read-only and scoped; they are written only by generation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.reports.models import Report
from gridgov.reports.selectors import reports_visible


@admin.register(Report)
class ReportAdmin(ScopedAdmin[Report]):
    list_display = ["title", "period", "start", "generated_at"]
    list_filter = ["period"]
    exclude = ["sections"]

    def visible(self, user: User) -> QuerySet[Report]:
        return reports_visible(user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
