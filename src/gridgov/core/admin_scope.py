"""Every admin page shows only the caller's jurisdiction, through the API's own selectors.

A ModelAdmin of a scoped model derives from ScopedAdmin and names its
selector in `visible`; the changelist, search, actions, change and delete
pages, history, autocomplete and raw-id lookups all read through it, and
a foreign key or many-to-many field accepts only what the related model's
admin shows. An object outside the caller's tree answers 404, as in the
API. The check `admin_scope_declared` fails closed: every registered
ModelAdmin is scoped or named in UNSCOPED with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.apps import AppConfig
from django.contrib import admin
from django.core.checks import CheckMessage, Error, register
from django.db.models import ForeignKey, ManyToManyField, Model, QuerySet
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)

# Admins with nothing of a jurisdiction in them, and why (as the route matrix's UNSCOPED).
UNSCOPED: dict[str, str] = {
    "auth.group": "roles replace groups; the role backend never reads them",
    "events.category": "the event catalogue is the same everywhere",
    "events.replytemplate": "reply templates belong to the catalogue, the same everywhere",
    "jurisdiction.layer": "the overlay layers' kinds are the same everywhere",
    "worktime.calendaryear": "the national holiday calendar is the same everywhere",
    "worktime.calendarday": "the national holiday calendar is the same everywhere",
    "worktime.officehours": "one set of office hours for the whole deployment",
    "tasks.deadtask": "the task engine serves the whole deployment (system admin only)",
    "tasks.jobrun": "the task engine serves the whole deployment (system admin only)",
    "tasks.outboxmessage": "the task engine serves the whole deployment (system admin only)",
    "notifications.webhookendpoint": "other systems' endpoints serve the whole deployment",
    "inspections.venuekind": "the kinds of venue are the same everywhere",
    "inspections.checklist": "the kinds' checklists are the same everywhere",
    "decisions.decisioncategory": "the decision categories and their rules are the same everywhere",
}


class ReadOnly:
    """Rows that only actions write (audited, or append-only): the admin shows, never edits."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopedRelations:
    """Relation fields offer and accept only rows the related model's admin would show."""

    admin_site: admin.AdminSite

    def _scoped(self, related: Any, request: HttpRequest) -> QuerySet[Any] | None:
        related_admin = self.admin_site._registry.get(related)
        if isinstance(related_admin, ScopedAdmin):
            return related_admin.visible(request.user)
        return None

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        queryset = self._scoped(db_field.related_model, request)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        field: ModelChoiceField[Any] | None = super().formfield_for_foreignkey(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        return field

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        queryset = self._scoped(db_field.related_model, request)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        field: ModelMultipleChoiceField[Any] | None = super().formfield_for_manytomany(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        return field


class ScopedAdmin(ScopedRelations, admin.ModelAdmin[M]):
    def visible(self, user: Any) -> QuerySet[M]:
        """The rows this user may see: the selector the API uses for the same model. The user
        is `accounts`' User (typed there, by each admin: `accounts` stands above `core`)."""
        raise NotImplementedError(f"{type(self).__name__} declares no scope")

    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        rows = self.visible(request.user)
        ordering = self.get_ordering(request)
        return rows.order_by(*ordering) if ordering else rows

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> M | None:
        """Outside the caller's tree is not found, as in the API, not a redirect to the index."""
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise Http404(_("Not found."))
        return found


def scope_problems(site: admin.AdminSite) -> list[str]:
    problems = []
    for model, model_admin in site._registry.items():
        label = model._meta.label_lower
        if label in UNSCOPED:
            continue
        if not isinstance(model_admin, ScopedAdmin):
            problems.append(f"{type(model_admin).__name__} ({label}) is not a ScopedAdmin")
        elif type(model_admin).visible is ScopedAdmin.visible:
            problems.append(f"{type(model_admin).__name__} ({label}) declares no visible()")
    return problems


@register()
def admin_scope_declared(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return [
        Error(
            f"Admin without a jurisdiction scope: {problem}.",
            hint="Derive it from gridgov.core.admin_scope.ScopedAdmin and return the API's "
            "selector from visible(), or add the model to UNSCOPED with the reason.",
            id="gridgov.E014",
        )
        for problem in scope_problems(admin.site)
    ]
