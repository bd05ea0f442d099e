"""Venue kinds and checklists are the administrator's data, saved through the actions (so a
checklist is only ever published as a new version, and audited); venues, inspections and
rectifications are read-only and scoped, because every step of theirs is an action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.core.admin_scope import ReadOnly, ScopedAdmin
from gridgov.core.errors import DomainError
from gridgov.inspections import actions, selectors
from gridgov.inspections.models import (
    Checklist,
    Inspection,
    InspectionPhoto,
    ItemResult,
    Rectification,
    RectificationTransition,
    Venue,
    VenueKind,
)


def _refused(error: DomainError) -> forms.ValidationError:
    messages = [str(p.message) + (f" ({p.item})" if p.item else "") for p in error.problems]
    return forms.ValidationError(messages or [str(error.message)])


class VenueKindForm(forms.ModelForm[VenueKind]):
    class Meta:
        model = VenueKind
        fields = ["code", "name", "target", "interval_days", "rectify_days", "active"]


@admin.register(VenueKind)
class VenueKindAdmin(admin.ModelAdmin[VenueKind]):
    form = VenueKindForm
    list_display = ["code", "name", "target", "interval_days", "rectify_days", "active"]
    list_filter = ["target", "active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: VenueKind, form: Any, change: bool) -> None:
        saved = actions.venue_kind_save(
            actor=request_user(request),
            code=obj.code,
            name=obj.name,
            target=obj.target,
            interval_days=obj.interval_days,
            rectify_days=obj.rectify_days,
            active=obj.active,
        )
        obj.pk = saved.pk


class ChecklistForm(forms.ModelForm[Checklist]):
    """The items as JSON: [{"code", "text", "serious", "category"}, …]; checked by the action."""

    class Meta:
        model = Checklist
        fields = ["kind", "items"]

    def clean_items(self) -> Any:
        items = self.cleaned_data["items"]
        try:
            return actions.checklist_items_check(items)
        except DomainError as error:
            raise _refused(error) from error


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin[Checklist]):
    form = ChecklistForm
    list_display = ["kind", "version", "created_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["kind__code", "kind__name"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Checklist, form: Any, change: bool) -> None:
        published = actions.checklist_publish(
            actor=request_user(request), kind_code=obj.kind.code, items=obj.items
        )
        obj.pk = published.pk


class ItemResultInline(ReadOnly, admin.TabularInline[ItemResult, Inspection]):
    model = ItemResult
    fields = readonly_fields = ("code", "text", "serious", "passed", "note")
    extra = 0


class PhotoInline(ReadOnly, admin.TabularInline[InspectionPhoto, Inspection]):
    """A photo with the checklist item it shows (blank: the inspection as a whole)."""

    model = InspectionPhoto
    fields = readonly_fields = ("item_code", "file", "name", "content_type")
    extra = 0


class TransitionInline(ReadOnly, admin.TabularInline[RectificationTransition, Rectification]):
    model = RectificationTransition
    fields = readonly_fields = ("at", "command", "from_status", "to_status", "actor", "note")
    extra = 0


@admin.register(Venue)
class VenueAdmin(ReadOnly, ScopedAdmin[Venue]):
    list_display = ["name", "kind", "grid", "active", "flagged_at", "flagged_by"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "address", "grid__name", "grid__code"]
    date_hierarchy = "flagged_at"
    list_select_related = ["kind", "grid", "flagged_by"]

    def visible(self, user: User) -> QuerySet[Venue]:
        return selectors.venues_visible(user)


@admin.register(Inspection)
class InspectionAdmin(ReadOnly, ScopedAdmin[Inspection]):
    list_display = ["venue", "grid", "status", "due_at", "done_at", "passed", "inspector"]
    list_filter = ["status", "passed", "venue__kind"]
    search_fields = ["venue__name", "venue__address", "grid__name", "inspector__username"]
    date_hierarchy = "due_at"
    list_select_related = ["venue", "grid", "inspector"]
    inlines = [ItemResultInline, PhotoInline]

    def visible(self, user: User) -> QuerySet[Inspection]:
        return selectors.inspections_visible(user)


@admin.register(Rectification)
class RectificationAdmin(ReadOnly, ScopedAdmin[Rectification]):
    list_display = ["venue", "item_text", "grid", "status", "found_at", "due_at"]
    list_filter = ["status", "serious", "venue__kind"]
    search_fields = ["venue__name", "item_text", "grid__name", "event__number"]
    date_hierarchy = "found_at"
    list_select_related = ["venue", "grid"]
    inlines = [TransitionInline]

    def visible(self, user: User) -> QuerySet[Rectification]:
        return selectors.rectifications_visible(user)
