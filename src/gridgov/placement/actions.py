"""Where an account sits, and the account administration that places it there.

An account sits on a jurisdiction node at a level its role allows, or on a department
(ADR 0003). `accounts` stands below `jurisdiction` and `departments` (ADR 0021), so the checks
and writes that name a node or a department live here, above both: creating an account,
changing its role and place, editing or deactivating it. An account manager
(Capability.MANAGE_ACCOUNTS) acts only inside their own jurisdiction, as in `accounts`;
`actor=None` is the operator at the server console. No action ever grants the superuser flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.actions import password_problems, require_manager, require_manages
from gridgov.accounts.models import User
from gridgov.accounts.roles import ADMIN_ROLES, Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, NotFound, Problem, ProblemList
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Level, Node

# The levels of the tree at which an account of each role may sit. A
# department handler sits on a department, not on a node.
ROLE_LEVELS: dict[str, frozenset[int]] = {
    Role.GRID_WORKER: frozenset({Level.GRID, Level.COMMUNITY}),
    Role.COMMUNITY_STAFF: frozenset({Level.COMMUNITY}),
    Role.SUBDISTRICT_DISPATCHER: frozenset({Level.SUBDISTRICT}),
    Role.DISTRICT_COMMANDER: frozenset({Level.DISTRICT, Level.CITY}),
    Role.DEPARTMENT_HANDLER: frozenset(),
    Role.ANALYST: frozenset({Level.CITY, Level.DISTRICT, Level.SUBDISTRICT}),
    Role.SYSTEM_ADMIN: frozenset({Level.CITY, Level.DISTRICT}),
    Role.SECURITY_ADMIN: frozenset({Level.CITY, Level.DISTRICT}),
    Role.AUDITOR: frozenset({Level.CITY, Level.DISTRICT}),
    # Registered by the city or the district that engages it.
    Role.THIRD_PARTY_ASSESSOR: frozenset({Level.CITY, Level.DISTRICT}),
}

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


def _require_in_scope(actor: User | None, node: Node | None, department: Department | None) -> None:
    """A placement outside the actor's subtree answers NotFound, as any foreign record does."""
    if actor is None:
        return
    scope = actor.scope
    if node is not None and not scope.covers(node.code):
        raise NotFound(_("No such jurisdiction node: %(code)s") % {"code": node.code})
    if department is not None and not scope.covers(department.node.code):
        raise NotFound(_("No such department: %(code)s") % {"code": department.code})


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
    require_manager(actor)
    _require_in_scope(actor, node, department)
    user = User(
        username=username,
        role=role,
        node=node,
        department=department,
        display_name=display_name,
        is_staff=role in ADMIN_ROLES,
        is_superuser=False,
        # The administrator chose this password: like a reset, it only sets the owner's own.
        must_change_password=actor is not None,
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
    require_manages(actor, user)
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
    require_manages(actor, user)
    if not user.is_active:
        raise Conflict(_("This account is already inactive."), code="already_inactive")
    return _user_apply(
        actor=actor, user=user, changes={"is_active": False}, action="accounts.user_deactivate"
    )
