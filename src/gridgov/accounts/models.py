from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import ADMIN_ROLES, ASSIGNMENT_ROLES, ROLE_CAPABILITIES, Role
from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope, ScopedModel, ScopedQuerySet


class AccountManager(UserManager["User"]):
    """Django's user manager (create_user, natural keys) over a scoped queryset."""

    use_in_migrations = True

    def get_queryset(self) -> ScopedQuerySet[User]:
        return ScopedQuerySet(self.model, using=self._db)

    def visible_to(self, scope: Scope) -> ScopedQuerySet[User]:
        return self.get_queryset().visible_to(scope)

    def unscoped(self) -> ScopedQuerySet[User]:
        return self.get_queryset().unscoped()

    def get_by_natural_key(self, username: str | None) -> User:
        """Logging in finds the account before anyone has a scope to read it with."""
        return self.unscoped().get(**{self.model.USERNAME_FIELD: username})


_SCOPE_CACHE = "_gridgov_scope"


class User(ScopedModel, AbstractUser):
    """An account: one role, placed on one jurisdiction node or one department.

    The node and the department are named by label: `accounts` stands below `jurisdiction`
    and `departments` (ADR 0021), which name the account as their actor; what places an
    account on them (checks, admin, console command) lives in `placement`, above both.
    """

    # On a node of the tree, or on a department serving one.
    scope_paths = ("node__code", "department__node__code")

    objects = AccountManager()  # type: ignore[assignment,misc]

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    node = models.ForeignKey(
        "jurisdiction.Node",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    # Set by an administrator's reset: the one-time password it gave only sets a new one.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(node__isnull=False, department__isnull=True)
                    | models.Q(node__isnull=True, department__isnull=False)
                    | models.Q(is_superuser=True)
                ),
                name="user_on_node_or_department",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def place_code(self) -> str:
        """The code of the node this account sits on, or of its department's node; empty for
        an account on neither (a superuser). An audit row keeps it as its scope."""
        if self.node_id is not None:
            return self.node.code  # type: ignore[union-attr]
        if self.department_id is not None:
            return self.department.node.code  # type: ignore[union-attr]
        return ""

    @property
    def scope(self) -> Scope:
        """What this account may see (ADR 0020), computed once per request: Django and the
        API's token authentication each load the user once, and the value stays on it. An
        account on a department (only a department handler sits on one) sees that department
        under the department's node; a limited account (a third-party assessor) sees only
        what is assigned to it; an account placed nowhere has no jurisdiction, unless it is a
        superuser where settings allow one, who sees the tree from its first root."""
        # Keyed by what the scope derives from, so an account changed in place is not served
        # the scope it had before.
        key = (self.pk, self.node_id, self.department_id, self.is_superuser, self.is_active)
        cached: tuple[Any, Scope] | None = getattr(self, _SCOPE_CACHE, None)
        if cached is not None and cached[0] == key:
            return cached[1]
        if self.sees_only_assignments:
            scope = Scope(assignee_id=self.pk)
        else:
            scope = Scope(prefix=self._root_code(), department_id=self.department_id)
        setattr(self, _SCOPE_CACHE, (key, scope))
        return scope

    def _root_code(self) -> str:
        if self.place_code:
            return self.place_code
        # The scope is being computed here: the one read that cannot have one yet. The node
        # model is reached through the foreign key, as the key itself names it.
        nodes: Any = self._meta.get_field("node").related_model
        root = nodes.objects.unscoped().filter(parent__isnull=True).order_by("code").first()
        if root is None or not self.is_trusted_superuser:
            raise NotFound(_("This account has no jurisdiction."), code="no_jurisdiction")
        return str(root.code)

    @property
    def at_root(self) -> bool:
        """Whether the account sees from a root of the tree: there, what was done by nobody
        (the console's audit rows, logins of no account) is theirs to read too."""
        if self.sees_only_assignments:
            return False
        node = self.node if self.node_id is not None else None
        if node is None and self.department_id is not None:
            node = self.department.node  # type: ignore[union-attr]
        if node is None:
            return bool(self._root_code())
        return node.parent_id is None

    @property
    def sees_only_assignments(self) -> bool:
        """A limited account: its scope is what is assigned to it (core.scope)."""
        return self.role in ASSIGNMENT_ROLES

    @property
    def is_administrator(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_trusted_superuser(self) -> bool:
        """The superuser flag counts only where settings allow it (never in production)."""
        return self.is_active and self.is_superuser and settings.ALLOW_SUPERUSER

    def can(self, capability: str) -> bool:
        if self.is_trusted_superuser:
            return True
        return self.is_active and capability in ROLE_CAPABILITIES.get(self.role, frozenset())

    # Django's PermissionsMixin answers True for any active superuser before asking
    # the backends; these two defer to the backends unless superusers are allowed.

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if self.is_superuser and not settings.ALLOW_SUPERUSER:
            return self.is_active and perm in self.get_all_permissions(obj)
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_superuser and not settings.ALLOW_SUPERUSER:
            prefix = f"{app_label}."
            return self.is_active and any(p.startswith(prefix) for p in self.get_all_permissions())
        return super().has_module_perms(app_label)


class ApiToken(models.Model):
    """A bearer token for machine clients; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    # Made in a session that passed the second factor: only such a token stands in for it.
    second_factor = models.BooleanField(_("second factor passed"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    # Last use is shown to the minute; a write per request would serialise a busy client.
    USE_STAMP_EVERY = timedelta(minutes=1)

    def mark_used(self, now: datetime) -> None:
        """Stamp the use when the stored stamp is a minute old or more. The UPDATE's own
        condition keeps concurrent requests from stamping it again."""
        if self.last_used_at is not None and now - self.last_used_at < self.USE_STAMP_EVERY:
            return
        stale = models.Q(last_used_at__isnull=True) | models.Q(
            last_used_at__lte=now - self.USE_STAMP_EVERY
        )
        ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
