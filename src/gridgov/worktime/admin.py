"""The calendar is read here and changed on /worktime/years/ (audited); office hours here.

Only the system administrator may change either; the role backend must
also grant the worktime app to that role for the admin to show it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gridgov.accounts.requests import request_user
from gridgov.worktime.actions import office_hours_update
from gridgov.worktime.models import CalendarDay, CalendarYear, OfficeHours
from gridgov.worktime.permissions import can_manage_calendar


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    fields = ("date", "kind", "name")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "complete", "entered_by", "entered_at")
    list_filter = ("source", "complete")
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name", "calendar_year")
    list_filter = ("kind", "calendar_year")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    fieldsets = (
        (None, {"fields": OfficeHours.WEEKDAY_FIELDS}),
        (None, {"fields": ("morning_start", "morning_end", "afternoon_start", "afternoon_end")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_calendar(request_user(request)) and not OfficeHours.objects.exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_calendar(request_user(request)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: OfficeHours, form: Any, change: bool) -> None:
        office_hours_update(actor=request_user(request), hours=obj)
