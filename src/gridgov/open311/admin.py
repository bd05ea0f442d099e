"""Client applications registered by staff; a key is shown once, when it is issued."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.jurisdiction.selectors import scope_of, scope_root
from gridgov.open311 import actions
from gridgov.open311.models import ClientApplication


def _show_key(request: HttpRequest, client: ClientApplication, key: str) -> None:
    messages.warning(
        request,
        _("The key of %(name)s is %(key)s. Copy it now: it is not stored and not shown again.")
        % {"name": client.name, "key": key},
    )


@admin.register(ClientApplication)
class ClientApplicationAdmin(ScopedAdmin[ClientApplication]):
    list_display = [
        "name",
        "prefix",
        "node",
        "requests_per_hour",
        "request_count",
        "report_count",
        "last_used_at",
        "active",
    ]
    list_filter = ["active"]
    search_fields = ["name", "contact", "prefix"]
    raw_id_fields = ["node"]
    readonly_fields = ["prefix", "request_count", "report_count", "last_used_at", "created_at"]
    actions = ["issue_new_key"]

    def visible(self, user: User) -> QuerySet[ClientApplication]:
        """Clients serving an area inside the caller's tree; city-wide ones only at the root."""
        inside = ClientApplication.objects.visible_to(scope_of(user))
        if scope_root(user).parent_id is None:
            return inside | ClientApplication.objects.unscoped().filter(node__isnull=True)
        return inside

    def save_model(
        self,
        request: HttpRequest,
        obj: ClientApplication,
        form: ModelForm[ClientApplication],
        change: bool,
    ) -> None:
        if change:
            actions.client_update(
                actor=request_user(request), client=obj, fields=list(form.changed_data)
            )
        else:
            _show_key(request, obj, actions.client_create(actor=request_user(request), client=obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Reports keep pointing at who sent them in the audit trail; deactivate instead."""
        return False

    @admin.action(description=gettext_lazy("Issue a new key (the old one stops working)"))
    def issue_new_key(self, request: HttpRequest, queryset: QuerySet[ClientApplication]) -> None:
        for client in queryset:
            _show_key(
                request,
                client,
                actions.client_key_rotate(actor=request_user(request), client_id=client.pk),
            )
