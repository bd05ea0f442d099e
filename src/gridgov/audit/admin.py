from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.audit.models import AuditEntry
from gridgov.audit.selectors import entries_visible
from gridgov.core.admin_scope import ScopedAdmin

if TYPE_CHECKING:
    from gridgov.accounts.models import User


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin[AuditEntry]):
    list_display = ["at", "actor", "scope", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id", "actor__username"]
    date_hierarchy = "at"

    def visible(self, user: User) -> QuerySet[AuditEntry]:
        return entries_visible(user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
