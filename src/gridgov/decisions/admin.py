"""Major decisions in the admin: the decisions read-only and scoped (every step goes through
the actions, which audit it); the categories editable, since their rule is data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.decisions.models import Decision, DecisionCategory
from gridgov.decisions.selectors import decisions_visible


@admin.register(DecisionCategory)
class DecisionCategoryAdmin(admin.ModelAdmin[DecisionCategory]):
    list_display = ["code", "name", "required_assessment", "expert_review_required"]
    list_editable = ["required_assessment", "expert_review_required"]


@admin.register(Decision)
class DecisionAdmin(ScopedAdmin[Decision]):
    list_display = ["title", "category", "node", "status", "outcome", "registered_at"]
    list_filter = ["status", "outcome", "category"]
    search_fields = ["title"]

    def visible(self, user: User) -> QuerySet[Decision]:
        return decisions_visible(user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
