"""The rules are edited through the API and the page, which check their share of homes; the
admin shows them, and the cases read-only (every step goes through case_apply)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ReadOnly, ScopedAdmin
from gridgov.rentals.models import RentalCase
from gridgov.rentals.selectors import cases_visible


@admin.register(RentalCase)
class RentalCaseAdmin(ReadOnly, ScopedAdmin[RentalCase]):
    list_display = ["home", "grid", "status", "suspected_at"]
    list_filter = ["status"]

    def visible(self, user: User) -> QuerySet[RentalCase]:
        return cases_visible(user)
