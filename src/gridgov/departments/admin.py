"""The system administrator's admin for departments, limited to their jurisdiction and audited."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.departments.actions import department_delete, department_save
from gridgov.departments.models import Department
from gridgov.departments.selectors import departments_visible


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin[Department]):
    list_display = ["code", "name", "kind", "node", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["node", "parent"]
    list_select_related = ["node", "parent"]

    def visible(self, user: User) -> QuerySet[Department]:
        return departments_visible(user)

    def save_model(
        self, request: HttpRequest, obj: Department, form: ModelForm[Department], change: bool
    ) -> None:
        department_save(
            actor=request_user(request),
            department=obj,
            fields=form.changed_data,
            created=not change,
        )

    def delete_model(self, request: HttpRequest, obj: Department) -> None:
        department_delete(actor=request_user(request), department=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Department]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
