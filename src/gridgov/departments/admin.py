"""The system administrator's admin for departments, limited to their jurisdiction and audited."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.audit.actions import audit_record
from gridgov.departments.models import Department
from gridgov.departments.selectors import departments_visible
from gridgov.jurisdiction.selectors import nodes_visible


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["code", "name", "kind", "node", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["node", "parent"]
    list_select_related = ["node", "parent"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return departments_visible(_actor(request))

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "node":
            kwargs["queryset"] = nodes_visible(_actor(request))
        elif db_field.name == "parent":
            kwargs["queryset"] = departments_visible(_actor(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Department, form: ModelForm[Department], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=_actor(request),
            action=f"departments.admin_{'change' if change else 'add'}",
            target=obj,
            detail={"fields": list(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Department) -> None:
        audit_record(
            actor=_actor(request),
            action="departments.admin_delete",
            target=obj,
            detail={"code": obj.code, "name": obj.name},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Department]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
