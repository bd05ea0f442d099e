"""The rules are edited through the API and the page, which check their share of homes; the
admin shows them, and the cases read-only (every step goes through case_apply)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.rentals.models import RentalCase
from gridgov.rentals.selectors import cases_visible


@admin.register(RentalCase)
class RentalCaseAdmin(ScopedAdmin[RentalCase]):
    list_display = ["home", "grid", "status", "suspected_at"]
    list_filter = ["status"]

    def visible(self, user: User) -> QuerySet[RentalCase]:
        return cases_visible(user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
