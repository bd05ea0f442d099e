from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gridgov.assessment.models import COUNT_COLUMNS, HandlingScore, IndicatorDaily


class ReadOnly(admin.ModelAdmin[Any]):
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


@admin.register(HandlingScore)
class HandlingScoreAdmin(ReadOnly):
    list_display = ("event", "score", "by", "at")
    list_select_related = ("event", "by")
    raw_id_fields = ("event",)
