"""The security administrator's admin: accounts inside their jurisdiction, API tokens and
login records. Here, above `jurisdiction` and `departments`, because the account form names
where an account sits.

Every save goes through the account actions, so the admin obeys the same
role ↔ level rules, password rules and scope as the API, and is audited the
same way. Nodes and departments are entered by code, the identifier the
administrator knows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    BaseUserCreationForm,
    UserChangeForm,
)
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts import actions, selectors
from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.requests import request_user
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.core.errors import Conflict
from gridgov.departments.selectors import departments_visible
from gridgov.jurisdiction.selectors import nodes_visible
from gridgov.placement import actions as placement


class PlacementChecks(forms.ModelForm[User]):
    """Role ↔ level, shown on the form before anything is saved."""

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
            for problem in placement.placement_problems(
                role=data["role"], node=data.get("node"), department=data.get("department")
            ):
                field = problem.field if problem.field in self.fields else None
                self.add_error(field, str(problem.message))
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
            "password",
        ]


# django-otp's own admin pages show a device's secret (and a QR code of it): the security
# administrator could copy another account's authenticator. Second factors are reset with
# the account action below instead.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(User)
class UserAdmin(ScopedAdmin[User], BaseUserAdmin[User]):
    form = UserEditForm
    add_form = UserAddForm
    list_display = ["username", "display_name", "role", "node", "department", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name", "node__code", "department__code"]
    ordering = ["username"]
    list_select_related = ["node", "department"]
    # The superuser flag is shown, never edited: no administrator role may grant it (ADR 0003).
    readonly_fields = ["username", "is_superuser", "last_login", "date_joined"]
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

    actions = ["reset_second_factor"]

    @admin.action(
        description=_("Reset the second factor (they enrol again at the next login)"),
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset.exclude(pk=request_user(request).pk):
            actions.user_second_factor_reset(actor=request_user(request), user=user)
            done += 1
        self.message_user(request, _("%(n)d second factors reset.") % {"n": done}, messages.SUCCESS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def visible(self, user: User) -> QuerySet[User]:
        return selectors.users_visible(user)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        scoped: dict[str, Callable[[User], QuerySet[Any]]] = {
            "node": nodes_visible,
            "department": departments_visible,
        }
        if db_field.name in scoped:
            return ModelChoiceField(
                queryset=scoped[db_field.name](request_user(request)),
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
        actor = request_user(request)
        if change:
            changes = {f: data[f] for f in form.changed_data if f in placement.USER_FIELDS}
            saved = selectors.user_get(actor, obj.pk)
            if changes:
                saved = placement.user_update(actor=actor, user=saved, changes=changes)
        else:
            saved = placement.user_create(
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
        """A reset, not a chosen password: the administrator gets a one-time password to hand
        over, shown once, which only lets its owner set their own (ADR 0014)."""
        user = self.get_object(request, unquote(id))
        if user is None or not self.has_change_permission(request, user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reset the password of %(user)s") % {"user": user.username},
            "original": user,
            "opts": self.opts,
        }
        if request.method == "POST":
            context["one_time_password"] = actions.user_password_reset(
                actor=request_user(request), user=user
            )
        response = TemplateResponse(request, "accounts/admin_password_reset.html", context)
        add_never_cache_headers(response)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin[ApiToken]):
    """Tokens are created by their owners through the API; here they are only seen and revoked."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
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
        "expires_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def visible(self, user: User) -> QuerySet[ApiToken]:
        return ApiToken.objects.filter(user__in=selectors.users_visible(user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                actions.api_token_revoke(actor=request_user(request), token=token)
            except Conflict:
                continue
            revoked += 1
        self.message_user(request, _("%(n)d tokens revoked.") % {"n": revoked}, messages.SUCCESS)


def _login_records_visible(user: User, model: type[Model]) -> QuerySet[Any]:
    """Login records of the accounts the caller manages; names of no account only at the root."""
    scope = Q(username__in=selectors.users_visible(user).values("username"))
    if user.at_root:
        scope |= ~Q(username__in=User.objects.values("username")) | Q(username__isnull=True)
    return model._default_manager.filter(scope)


class ScopedAccessAttemptAdmin(ScopedAdmin[AccessAttempt], AccessAttemptAdmin):  # type: ignore[misc]
    # axes' clean-up ignores the selection and deletes every district's expired attempts.
    actions: list[str] = []

    def visible(self, user: User) -> QuerySet[AccessAttempt]:
        return _login_records_visible(user, AccessAttempt)


class ScopedAccessLogAdmin(ScopedAdmin[AccessLog], AccessLogAdmin):  # type: ignore[misc]
    def visible(self, user: User) -> QuerySet[AccessLog]:
        return _login_records_visible(user, AccessLog)


class ScopedAccessFailureLogAdmin(ScopedAdmin[AccessFailureLog], AccessFailureLogAdmin):  # type: ignore[misc]
    def visible(self, user: User) -> QuerySet[AccessFailureLog]:
        return _login_records_visible(user, AccessFailureLog)


# django-axes registers its own, unscoped admins; the security administrator and the
# auditor would read every district's logins there.
for _model, _scoped in (
    (AccessAttempt, ScopedAccessAttemptAdmin),
    (AccessLog, ScopedAccessLogAdmin),
    (AccessFailureLog, ScopedAccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _scoped)
