"""Campaigns in the admin: the back office finds a campaign, its form's versions, its steps
and its targets within its jurisdiction. Nothing is edited here: a campaign is defined,
pushed and closed by a centre through the actions (versioned, audited), and a target moves
only when it is answered."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from gridgov.accounts.models import User
from gridgov.campaigns import selectors
from gridgov.campaigns.models import Campaign, CampaignLog, FormVersion, Target
from gridgov.core.admin_scope import ReadOnly, ScopedAdmin


class FormVersionInline(ReadOnly, admin.StackedInline[FormVersion, Campaign]):
    model = FormVersion
    fields = readonly_fields = ("number", "definition", "created_by", "created_at")
    extra = 0


class LogInline(ReadOnly, admin.TabularInline[CampaignLog, Campaign]):
    model = CampaignLog
    fields = readonly_fields = ("at", "command", "from_status", "to_status", "actor")
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ReadOnly, ScopedAdmin[Campaign]):
    list_display = ["title", "node", "target_kind", "status", "due_at", "created_by"]
    list_filter = ["status", "target_kind", "template"]
    search_fields = ["title", "node__name"]
    date_hierarchy = "due_at"
    exclude = ["target_list", "unknown_lines"]
    inlines = [FormVersionInline, LogInline]

    def visible(self, user: User) -> QuerySet[Campaign]:
        return selectors.campaigns_in_scope(user)


@admin.register(Target)
class TargetAdmin(ReadOnly, ScopedAdmin[Target]):
    list_display = ["label", "campaign", "grid", "kind", "state", "done_at", "done_by"]
    list_filter = ["state", "kind"]
    search_fields = ["label", "campaign__title", "grid__name"]
    fields = readonly_fields = ("campaign", "grid", "kind", "label", "state", "done_at", "done_by")
    list_select_related = ["campaign", "grid", "done_by"]

    def visible(self, user: User) -> QuerySet[Target]:
        return selectors.targets_in_scope(user)
