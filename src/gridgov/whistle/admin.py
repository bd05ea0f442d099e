"""Whistles in the admin: read-only and scoped, because every step goes through the actions,
which audit it and move the event's loop."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ReadOnly, ScopedAdmin
from gridgov.whistle.models import Summons, Whistle, WhistleLog
from gridgov.whistle.selectors import whistles_visible

SUMMONS_FIELDS = (
    "department",
    "limit_minutes",
    "report_due_at",
    "reported_at",
    "part_done_at",
    "part_verified_at",
    "escalated_at",
    "rating",
    "rating_comment",
)
LOG_FIELDS = ("at", "step", "summons", "actor", "note")


class SummonsInline(ReadOnly, admin.TabularInline[Summons, Whistle]):
    model = Summons
    fields = SUMMONS_FIELDS
    readonly_fields = SUMMONS_FIELDS
    extra = 0


class LogInline(ReadOnly, admin.TabularInline[WhistleLog, Whistle]):
    model = WhistleLog
    fields = LOG_FIELDS
    readonly_fields = LOG_FIELDS
    extra = 0


@admin.register(Whistle)
class WhistleAdmin(ReadOnly, ScopedAdmin[Whistle]):
    list_display = ["event", "reason", "node", "blown_by", "blown_at", "closed_at"]
    list_filter = ["reason"]
    search_fields = ["event__number"]
    inlines = [SummonsInline, LogInline]

    def visible(self, user: User) -> QuerySet[Whistle]:
        return whistles_visible(user)
