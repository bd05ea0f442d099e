"""Admin for grid staff and work groups, limited to the administrator's jurisdiction.

The admin writes rows directly rather than through the actions, so it gets
the same rules from the models' clean(), the same scope from the
selectors, and writes its own audit rows.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.audit.actions import audit_record
from gridgov.core.admin_scope import ScopedAdmin, ScopedRelations
from gridgov.jurisdiction.models import Level
from gridgov.staffing import selectors
from gridgov.staffing.models import (
    GroupRole,
    StaffAssignment,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)

M = TypeVar("M", bound=Model)


class AuditedAdmin(ScopedAdmin[M]):
    def save_related(
        self, request: HttpRequest, form: ModelForm[M], formsets: Any, change: bool
    ) -> None:
        """Audit after the inlines are saved, so one row tells the whole change."""
        super().save_related(request, form, formsets, change)
        audit_record(
            actor=request_user(request),
            action=f"staffing.admin_{'change' if change else 'add'}",
            target=form.instance,
            detail={
                "fields": list(form.changed_data),
                "inlines": [fs.prefix for fs in formsets if fs.has_changed()],
            },
        )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        audit_record(
            actor=request_user(request),
            action="staffing.admin_delete",
            target=obj,
            detail={"repr": str(obj)},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class StaffAssignmentInline(ScopedRelations, admin.TabularInline[StaffAssignment, StaffMember]):
    model = StaffAssignment
    raw_id_fields = ["grid"]
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(AuditedAdmin[StaffMember]):
    list_display = ["name", "kind", "profession", "employer", "home_node", "active"]
    list_filter = ["kind", "active", "profession"]
    search_fields = ["name", "employer"]
    raw_id_fields = ["home_node", "user"]
    list_select_related = ["home_node"]
    inlines = [StaffAssignmentInline]

    def visible(self, user: User) -> QuerySet[StaffMember]:
        return selectors.staff_visible(user).prefetch_related(None)


class WorkGroupForm(forms.ModelForm[WorkGroup]):
    class Meta:
        model = WorkGroup
        fields = ["name", "node", "grids"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        node, grids = data.get("node"), data.get("grids")
        if node is not None and grids is not None:
            bad = [
                g.code for g in grids if g.level != Level.GRID or not g.code.startswith(node.code)
            ]
            if bad:
                self.add_error(
                    "grids",
                    _("These are not grids inside %(node)s: %(codes)s")
                    % {"node": node.name, "codes": ", ".join(bad)},
                )
        return data


class WorkGroupMemberFormSet(forms.BaseInlineFormSet[WorkGroupMember, WorkGroup, Any]):
    def clean(self) -> None:
        """Inline forms skip the one-leader constraint, as it names the group they leave out."""
        super().clean()
        leaders = sum(
            1
            for form in self.forms
            if form.cleaned_data.get("role") == GroupRole.LEADER
            and not form.cleaned_data.get("DELETE")
        )
        if self.instance.pk:
            in_forms = [form.instance.pk for form in self.forms if form.instance.pk]
            others = self.instance.members.filter(role=GroupRole.LEADER).exclude(pk__in=in_forms)
            leaders += others.count()
        if leaders > 1:
            raise forms.ValidationError(
                _("This work group already has a leader."), code="leader_taken"
            )


class WorkGroupMemberInline(ScopedRelations, admin.TabularInline[WorkGroupMember, WorkGroup]):
    model = WorkGroupMember
    formset = WorkGroupMemberFormSet
    raw_id_fields = ["staff"]
    extra = 0


@admin.register(WorkGroup)
class WorkGroupAdmin(AuditedAdmin[WorkGroup]):
    form = WorkGroupForm
    list_display = ["name", "node"]
    search_fields = ["name", "node__code", "node__name"]
    raw_id_fields = ["node", "grids"]
    list_select_related = ["node"]
    inlines = [WorkGroupMemberInline]

    def visible(self, user: User) -> QuerySet[WorkGroup]:
        return selectors.groups_visible(user).prefetch_related(None)
