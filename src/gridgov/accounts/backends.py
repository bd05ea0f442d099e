from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from gridgov.accounts.roles import ADMIN_APP_ACCESS


class RoleBackend(ModelBackend):
    """Django permissions derived from the account's role, not from per-user grants.

    The superuser flag grants everything only where settings allow it
    (development); in production it is ignored, so no account can bypass
    the separation of the three administrator roles.
    """

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, cache_name):
            if user_obj.is_superuser and settings.ALLOW_SUPERUSER:
                perms = Permission.objects.all()
            else:
                full, view = ADMIN_APP_ACCESS.get(user_obj.role, (frozenset(), frozenset()))
                perms = Permission.objects.filter(
                    Q(content_type__app_label__in=full)
                    | Q(content_type__app_label__in=view, codename__startswith="view_")
                )
            names = perms.values_list("content_type__app_label", "codename")
            setattr(user_obj, cache_name, {f"{ct}.{name}" for ct, name in names})
        return set(getattr(user_obj, cache_name))

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self._get_permissions(user_obj, obj, "role")

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_user(self, user_id: int) -> Any:
        """The session's account, before anyone has a scope to read it with."""
        from gridgov.accounts.models import User

        user = User.objects.unscoped().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
