"""The catalogue in the admin, checked as the loader checks it; events read-only, scoped."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.audit.actions import audit_record
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.events.actions.attachments import attachment_publish
from gridgov.events.categories import filing_categories_reset
from gridgov.events.models import Category, Event, EventAttachment, EventTransition, ReplyTemplate
from gridgov.events.selectors import events_visible


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = [
        "code",
        "name",
        "severity",
        "department_code",
        "handle_minutes",
        "natural_time",
        "self_handle",
        "public",
        "active",
    ]
    list_filter = ["severity", "natural_time", "self_handle", "public", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "department"]

    def save_model(
        self, request: HttpRequest, obj: Category, form: ModelForm[Category], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        filing_categories_reset()
        transaction.on_commit(filing_categories_reset)
        audit_record(
            actor=request_user(request),
            action=f"events.admin_category_{'change' if change else 'add'}",
            target=obj,
            detail={"fields": list(form.changed_data)},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Events point at categories for ever; retire one by unticking "active"."""
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin[ReplyTemplate]):
    list_display = ["title", "category", "active"]
    list_filter = ["active"]
    search_fields = ["title", "body", "category__name"]
    raw_id_fields = ["category"]

    def save_model(
        self,
        request: HttpRequest,
        obj: ReplyTemplate,
        form: ModelForm[ReplyTemplate],
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request_user(request),
            action=f"events.admin_reply_template_{'change' if change else 'add'}",
            target=obj,
            detail={"fields": list(form.changed_data)},
        )


TIMELINE_FIELDS = ("at", "command", "from_status", "to_status", "actor", "note", "reason")


class TransitionInline(admin.TabularInline[EventTransition, Event]):
    model = EventTransition
    fields = TIMELINE_FIELDS
    readonly_fields = TIMELINE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


ATTACHMENT_FIELDS = ("at", "name", "content_type", "size", "sha256", "uploaded_by")


class AttachmentInline(admin.TabularInline[EventAttachment, Event]):
    """Photos are evidence: read-only here; approve them for the public in their own list."""

    model = EventAttachment
    fields = (*ATTACHMENT_FIELDS, "public_approved")
    readonly_fields = (*ATTACHMENT_FIELDS, "public_approved")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ScopedAdmin[Event]):
    """Read-only: status moves only through the loop's commands."""

    list_display = ["number", "category", "status", "severity", "node", "owner", "created_at"]
    list_filter = ["status", "severity", "channel"]
    search_fields = ["number", "hotline_ticket", "caller_phone_last4"]
    inlines = [TransitionInline, AttachmentInline]

    def visible(self, user: User) -> QuerySet[Event]:
        return events_visible(user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EventAttachment)
class EventAttachmentAdmin(ScopedAdmin[EventAttachment]):
    """Where staff look at photos and approve those residents may see on the public map."""

    list_display = ["event", "name", "content_type", "size", "at", "public_approved"]
    list_filter = ["public_approved", "content_type"]
    search_fields = ["event__number", "name"]
    fields = (*ATTACHMENT_FIELDS, "event", "file", "public_approved")
    readonly_fields = fields
    actions = ["approve_for_public", "withdraw_from_public"]

    def visible(self, user: User) -> QuerySet[EventAttachment]:
        return EventAttachment.objects.filter(event__in=events_visible(user)).select_related(
            "event"
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(
        description=gettext_lazy("Approve the photos for the public"), permissions=["view"]
    )
    def approve_for_public(self, request: HttpRequest, queryset: QuerySet[EventAttachment]) -> None:
        changed = attachment_publish(
            actor=request_user(request), attachment_ids=[a.pk for a in queryset], approved=True
        )
        self.message_user(request, _("%(n)d photos approved.") % {"n": changed})

    @admin.action(
        description=gettext_lazy("Withdraw the photos from the public"), permissions=["view"]
    )
    def withdraw_from_public(
        self, request: HttpRequest, queryset: QuerySet[EventAttachment]
    ) -> None:
        changed = attachment_publish(
            actor=request_user(request), attachment_ids=[a.pk for a in queryset], approved=False
        )
        self.message_user(request, _("%(n)d photos withdrawn.") % {"n": changed})
