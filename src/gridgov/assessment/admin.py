from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.assessment.models import COUNT_COLUMNS, HandlingScore, IndicatorDaily
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.events.selectors import events_visible
from gridgov.jurisdiction.selectors import scope_of


class ReadOnly(ScopedAdmin[Any]):
    """Daily counts are rebuilt, and scores given, only through assessment.actions."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorDaily)
class IndicatorDailyAdmin(ReadOnly):
    list_display = ("day", "unit_kind", "node", "department", *COUNT_COLUMNS[:6])
    list_filter = ("unit_kind", "day")
    date_hierarchy = "day"
    list_select_related = ("node", "department")

    def visible(self, user: User) -> QuerySet[IndicatorDaily]:
        """A node's counts, or a department's serving a node, inside the caller's tree."""
        return IndicatorDaily.objects.visible_to(scope_of(user))


@admin.register(HandlingScore)
class HandlingScoreAdmin(ReadOnly):
    list_display = ("event", "score", "by", "at")
    list_select_related = ("event", "by")
    raw_id_fields = ("event",)

    def visible(self, user: User) -> QuerySet[HandlingScore]:
        return HandlingScore.objects.filter(event__in=events_visible(user))
