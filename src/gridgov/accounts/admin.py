"""The security administrator's admin: accounts inside their jurisdiction, and API tokens.

Every save goes through the account actions, so the admin obeys the same
role ↔ level rules, password rules and scope as the API, and is audited the
same way. Nodes and departments are entered by code, the identifier the
administrator knows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    BaseUserCreationForm,
    UserChangeForm,
)
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.accounts import actions, selectors
from gridgov.accounts.models import ApiToken, User
from gridgov.core.errors import Conflict
from gridgov.departments.selectors import departments_visible
from gridgov.jurisdiction.selectors import nodes_visible

if TYPE_CHECKING:
    _PasswordFormBase = AdminPasswordChangeForm[User]
else:
    _PasswordFormBase = AdminPasswordChangeForm


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


class PlacementChecks(forms.ModelForm[User]):
    """Role ↔ level and the superuser refusal, shown on the form before anything is saved."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        # The code inputs show the code, not the primary key Django would put there.
        if instance.pk is not None:
            self.initial["node"] = instance.node.code if instance.node else ""
            self.initial["department"] = instance.department.code if instance.department else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "role" in data:
            for problem in actions.placement_problems(
                role=data["role"], node=data.get("node"), department=data.get("department")
            ):
                field = problem.field if problem.field in self.fields else None
                self.add_error(field, str(problem.message))
        if data.get("is_superuser") and not settings.ALLOW_SUPERUSER:
            self.add_error(
                "is_superuser", _("Superuser accounts are not allowed on this deployment.")
            )
        return data


class UserAddForm(PlacementChecks, BaseUserCreationForm[User]):
    class Meta:
        model = User
        fields = ["username", "display_name", "role", "node", "department"]


class UserEditForm(PlacementChecks, UserChangeForm[User]):
    class Meta:
        model = User
        fields = [
            "display_name",
            "role",
            "node",
            "department",
            "is_active",
            "is_superuser",
            "password",
        ]


class PasswordForm(_PasswordFormBase):
    """Always sets a password: an account without one is switched off with "active" instead."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = True
        self.fields["password2"].required = True


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    form = UserEditForm
    add_form = UserAddForm
    change_password_form = PasswordForm
    list_display = ["username", "display_name", "role", "node", "department", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name", "node__code", "department__code"]
    ordering = ["username"]
    list_select_related = ["node", "department"]
    readonly_fields = ["username", "last_login", "date_joined"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["username", "display_name", "password"]}),
        (_("Role and place"), {"fields": ["role", "node", "department"]}),
        (_("Status"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "display_name",
                    "role",
                    "node",
                    "department",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return selectors.users_visible(_actor(request))

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        scoped = {"node": nodes_visible, "department": departments_visible}
        if db_field.name in scoped:
            return ModelChoiceField(
                queryset=scoped[db_field.name](_actor(request)),
                to_field_name="code",
                required=False,
                label=db_field.verbose_name,
                widget=forms.TextInput,
                help_text=_("Type the code, e.g. 320104 or 320104-urban."),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody edits their own account here: another administrator must do it."""
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Accounts are deactivated, never deleted, so the audit trail keeps its actors."""
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = _actor(request)
        if change:
            changes = {f: data[f] for f in form.changed_data if f in actions.USER_FIELDS}
            saved = selectors.user_get(actor, obj.pk)
            if changes:
                saved = actions.user_update(actor=actor, user=saved, changes=changes)
        else:
            saved = actions.user_create(
                actor=actor,
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                node=data.get("node"),
                department=data.get("department"),
                display_name=data.get("display_name", ""),
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """A valid new password goes through the action, which validates and audits it."""
        if request.method == "POST":
            user = self.get_object(request, unquote(id))
            if user is not None and self.has_change_permission(request, user):
                form = self.change_password_form(user, request.POST)
                if form.is_valid():
                    actions.user_set_password(
                        actor=_actor(request), user=user, password=form.cleaned_data["password1"]
                    )
                    messages.success(request, _("Password changed successfully."))
                    return HttpResponseRedirect(
                        reverse("admin:accounts_user_change", args=[user.pk])
                    )
        return super().user_change_password(request, id, form_url)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are created by their owners through the API; here they are only seen and revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "digest",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return ApiToken.objects.filter(user__in=selectors.users_visible(_actor(request)))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                actions.api_token_revoke(actor=_actor(request), token=token)
            except Conflict:
                continue
            revoked += 1
        self.message_user(request, _("%(n)d tokens revoked.") % {"n": revoked}, messages.SUCCESS)
