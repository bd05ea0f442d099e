from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from gridgov.audit.models import AuditEntry
from gridgov.audit.selectors import Reader, entries_visible
from gridgov.core.admin_scope import ScopedAdmin

# Detail keys that name the target the way its users know it, before its database id.
TARGET_KEYS = ("number", "code", "username", "name")


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin[AuditEntry]):
    list_display = ["at", "actor", "scope", "action", "target_type", "target"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_id", "actor__username", "detail"]
    date_hierarchy = "at"
    fields = readonly_fields = ("at", "actor", "action", "target_type", "target", "facts")

    @admin.display(description=_("target"))
    def target(self, entry: AuditEntry) -> str:
        """An event's number, a node's code: what an auditor can look up; the row id last."""
        detail = entry.detail if isinstance(entry.detail, dict) else {}
        for key in TARGET_KEYS:
            if detail.get(key):
                return str(detail[key])
        return f"#{entry.target_id}" if entry.target_id else "—"

    @admin.display(description=_("detail"))
    def facts(self, entry: AuditEntry) -> SafeString:
        """One line per fact, times in local time as everywhere else, instead of raw JSON."""
        detail = entry.detail if isinstance(entry.detail, dict) else {"": entry.detail}
        return format_html_join(
            "",
            "<div><strong>{}</strong> {}</div>",
            ((key, _local(value)) for key, value in sorted(detail.items())),
        )

    def visible(self, user: Reader) -> QuerySet[AuditEntry]:
        return entries_visible(user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _local(value: Any) -> str:
    """An ISO timestamp (stored in UTC) read in the display time zone; anything else as is."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
        return value
    if isinstance(value, list):
        return ", ".join(_local(v) for v in value)
    return str(value)
