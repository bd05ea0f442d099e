"""Every write to accounts and API tokens.

An account manager (Capability.MANAGE_ACCOUNTS) acts only inside their own
jurisdiction: the node or department they place an account on, and the
account they change, must lie in their subtree. `actor=None` means the
operator at the server console (manage.py), who is trusted and audited as
such. No action ever grants the superuser flag.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.roles import ADMIN_ROLES, ROLE_LEVELS, Capability, Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    ProblemList,
)
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import scope_root

# The superuser flag is not among them: no role sets it, in any setting; only the server's
# console makes one (manage.py createsuperuser, development) and switches them off.
USER_FIELDS = frozenset({"role", "node", "department", "display_name", "is_active"})


def placement_problems(
    *, role: str, node: Node | None, department: Department | None
) -> list[Problem]:
    """Why an account of this role cannot sit there: a node at an allowed level, or a department."""
    problems = ProblemList()
    if role not in Role.values:
        problems.add("unknown_role", _("Unknown role."), field="role")
        return problems.problems
    if node is not None and department is not None:
        problems.add(
            "node_and_department",
            _("An account sits on a jurisdiction node or on a department, not both."),
            field="department",
        )
    elif role == Role.DEPARTMENT_HANDLER:
        if department is None:
            problems.add(
                "department_required",
                _("A department handler must belong to a department."),
                field="department",
            )
    elif node is None:
        problems.add(
            "node_required", _("This role must be placed on a jurisdiction node."), field="node"
        )
    elif node.level not in ROLE_LEVELS[role]:
        problems.add(
            "level_not_allowed",
            _("A %(role)s cannot sit at the %(level)s level.")
            % {"role": Role(role).label, "level": node.get_level_display()},
            field="node",
        )
    return problems.problems


def password_problems(password: str, user: User) -> list[Problem]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [
            Problem(code=err.code or "invalid", message=" ".join(err.messages), field="password")
            for err in exc.error_list
        ]
    return []


def _require_manager(actor: User | None) -> None:
    if actor is not None and not actor.can(Capability.MANAGE_ACCOUNTS):
        raise PermissionDenied(_("Only a security administrator may manage accounts."))


def _require_in_scope(actor: User | None, node: Node | None, department: Department | None) -> None:
    """A placement outside the actor's subtree answers NotFound, as any foreign record does."""
    if actor is None:
        return
    root = scope_root(actor).code
    if node is not None and not node.code.startswith(root):
        raise NotFound(_("No such jurisdiction node: %(code)s") % {"code": node.code})
    if department is not None and not department.node.code.startswith(root):
        raise NotFound(_("No such department: %(code)s") % {"code": department.code})


def _require_manages(actor: User | None, user: User) -> None:
    _require_manager(actor)
    if actor is None:
        return
    if actor.pk == user.pk:
        raise PermissionDenied(
            _("Nobody may change their own account's role or status; ask another administrator.")
        )
    scope = user.scope_node
    if scope is None or not scope.code.startswith(scope_root(actor).code):
        raise NotFound(_("No such account."), code="user_not_found")


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    node: Node | None = None,
    department: Department | None = None,
    display_name: str = "",
) -> User:
    _require_manager(actor)
    _require_in_scope(actor, node, department)
    user = User(
        username=username,
        role=role,
        node=node,
        department=department,
        display_name=display_name,
        is_staff=role in ADMIN_ROLES,
        is_superuser=False,
    )
    problems = ProblemList(placement_problems(role=role, node=node, department=department))
    try:
        User.username_validator(username)
    except ValidationError as exc:
        problems.add("invalid_username", " ".join(exc.messages), field="username")
    if not username:
        problems.add("username_required", _("A username is required."), field="username")
    elif User.objects.filter(username=username).exists():
        problems.add("username_taken", _("This username is already taken."), field="username")
    problems.problems.extend(password_problems(password, user))
    problems.raise_if_any(_("The account cannot be created."))
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="accounts.user_create",
        target=user,
        detail={"username": username, "role": role, **_placement_detail(user)},
    )
    return user


def _placement_detail(user: User) -> dict[str, str]:
    if user.department_id is not None:
        return {"department": user.department.code}  # type: ignore[union-attr]
    if user.node_id is not None:
        return {"node": user.node.code}  # type: ignore[union-attr]
    return {}


def _user_apply(*, actor: User | None, user: User, changes: Mapping[str, Any], action: str) -> User:
    unknown = set(changes) - USER_FIELDS
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    _require_manages(actor, user)
    role = changes.get("role", user.role)
    node = changes.get("node", user.node)
    department = changes.get("department", user.department)
    _require_in_scope(actor, node, department)
    problems = ProblemList(placement_problems(role=role, node=node, department=department))
    problems.raise_if_any(_("The account cannot be changed."))
    before = {f: _plain(getattr(user, f)) for f in changes}
    for field_name, value in changes.items():
        setattr(user, field_name, value)
    user.is_staff = role in ADMIN_ROLES
    user.save()
    after = {f: _plain(getattr(user, f)) for f in changes}
    audit_record(
        actor=actor,
        action=action,
        target=user,
        detail={f: [before[f], after[f]] for f in changes if before[f] != after[f]},
    )
    return user


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the audit detail."""
    if isinstance(value, Node | Department):
        return value.code
    return value


@transaction.atomic
def user_update(*, actor: User | None, user: User, changes: Mapping[str, Any]) -> User:
    """Apply several edits at once (the admin's change form); each is checked as on its own."""
    return _user_apply(actor=actor, user=user, changes=changes, action="accounts.user_update")


@transaction.atomic
def user_change_role(
    *,
    actor: User | None,
    user: User,
    role: str,
    node: Node | None = None,
    department: Department | None = None,
) -> User:
    """A new role usually means a new place in the tree, so both change together."""
    changes = {"role": role, "node": node, "department": department}
    return _user_apply(actor=actor, user=user, changes=changes, action="accounts.user_change_role")


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User) -> User:
    """Accounts are deactivated, never deleted, so the audit trail keeps pointing at them."""
    _require_manages(actor, user)
    if not user.is_active:
        raise Conflict(_("This account is already inactive."), code="already_inactive")
    return _user_apply(
        actor=actor, user=user, changes={"is_active": False}, action="accounts.user_deactivate"
    )


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """An account manager resets someone's password, or a user changes their own."""
    if actor is not None and actor.pk != user.pk:
        _require_manages(actor, user)
    problems = ProblemList(password_problems(password, user))
    problems.raise_if_any(_("The password cannot be used."))
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="accounts.user_set_password", target=user)
    return user


@transaction.atomic
def superusers_deactivate(*, actor: User | None) -> list[str]:
    """Switch off every active superuser before going to production (gridgov.E001)."""
    users = list(User.objects.select_for_update().filter(is_superuser=True, is_active=True))
    for user in users:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="accounts.superuser_deactivate", target=user)
    return [u.username for u in users]


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; the plaintext key is returned once and never stored."""
    name = name.strip()
    max_length = ApiToken._meta.get_field("name").max_length or 64
    if not name or len(name) > max_length:
        raise InvalidInput(
            _("The token cannot be created."),
            problems=[
                Problem(
                    code="invalid_name",
                    message=_("Give the token a name of 1 to %(n)d characters.")
                    % {"n": max_length},
                    field="name",
                )
            ],
        )
    if not actor.is_active:
        raise PermissionDenied(_("This account is inactive."))
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, digest=ApiToken.digest_of(key), prefix=key[:8]
    )
    audit_record(
        actor=actor,
        action="accounts.api_token_create",
        target=token,
        detail={"name": name, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """The owner revokes their token, or an account manager revokes one in their jurisdiction."""
    if token.user_id != actor.pk:
        _require_manages(actor, token.user)
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."), code="already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="accounts.api_token_revoke",
        target=token,
        detail={"owner": token.user.username, "prefix": token.prefix},
    )
    return token
