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
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.otp import BACKUP_CODES
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
from gridgov.jurisdiction.selectors import scope_of

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
    scope = scope_of(actor)
    if node is not None and not scope.covers(node.code):
        raise NotFound(_("No such jurisdiction node: %(code)s") % {"code": node.code})
    if department is not None and not scope.covers(department.node.code):
        raise NotFound(_("No such department: %(code)s") % {"code": department.code})


def _require_manages(actor: User | None, user: User) -> None:
    _require_manager(actor)
    if actor is None:
        return
    if actor.pk == user.pk:
        raise PermissionDenied(
            _("Nobody may change their own account's role or status; ask another administrator.")
        )
    place = user.scope_node
    if place is None or not scope_of(actor).covers(place.code):
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


def _tokens_revoke_all(user: User) -> int:
    """A new password ends every token: one made by whoever knew the old one stops too."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _one_time_password(user: User) -> str:
    """Random, and acceptable to the validators so the reset can store it."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if not password_problems(candidate, user):
            return candidate


@transaction.atomic
def user_password_change(
    *, actor: User, old_password: str, new_password: str, field: str = "new_password1"
) -> User:
    """A user sets their own password, knowing the current one (or the reset's one-time one)."""
    problems = ProblemList()
    if not actor.check_password(old_password):
        problems.add(
            "wrong_password", _("The current password is not correct."), field="old_password"
        )
    elif new_password == old_password:
        problems.add(
            "same_password", _("Choose a password other than the current one."), field=field
        )
    else:
        problems.problems.extend(
            replace(p, field=field) for p in password_problems(new_password, actor)
        )
    problems.raise_if_any(_("The password cannot be changed."))
    after_reset = actor.must_change_password
    actor.set_password(new_password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor,
        action="accounts.password_change",
        target=actor,
        detail={"after_reset": after_reset, "tokens_revoked": _tokens_revoke_all(actor)},
    )
    return actor


@transaction.atomic
def user_password_reset(*, actor: User | None, user: User) -> str:
    """An account manager resets someone's password; the one-time password returned is shown
    once and sets a new password only, so the manager never holds a working login. Its own
    audit kind lets the auditor (and the user) see who reset whose password."""
    _require_manages(actor, user)
    password = _one_time_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        actor=actor,
        action="accounts.password_reset",
        target=user,
        detail={"username": user.username, "tokens_revoked": _tokens_revoke_all(user)},
    )
    return password


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
def api_token_create(
    *, actor: User, name: str, second_factor: bool = False
) -> tuple[ApiToken, str]:
    """A new token for the actor; the plaintext key is returned once and never stored.
    `second_factor` says the actor's login passed it, so the token may stand in for it."""
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
        user=actor,
        name=name,
        digest=ApiToken.digest_of(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        second_factor=second_factor,
    )
    audit_record(
        actor=actor,
        action="accounts.api_token_create",
        target=token,
        detail={"name": name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
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


# The second factor (ADR 0014) -------------------------------------------------------------


def otp_device_pending(*, actor: User) -> TOTPDevice:
    """The authenticator being enrolled: unconfirmed until the user types a code from it."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)


def _backup_codes_renew(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def otp_enrol_confirm(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """A code from the new authenticator confirms it; it replaces any earlier one, and new
    backup codes replace the old. The codes are returned to be shown once."""
    if device.user_id != actor.pk or device.confirmed:
        raise NotFound(_("No authenticator is being enrolled."), code="no_enrolment")
    if not device.verify_token(token.strip()):
        raise InvalidInput(
            _("The code is not correct."),
            problems=[
                Problem(
                    code="wrong_code",
                    message=_("The code is not correct; check the phone's clock."),
                    field="token",
                )
            ],
        )
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_renew(actor)
    audit_record(actor=actor, action="accounts.otp_enrol", target=actor)
    return codes


@transaction.atomic
def otp_backup_codes_renew(*, actor: User) -> list[str]:
    codes = _backup_codes_renew(actor)
    audit_record(actor=actor, action="accounts.otp_backup_codes_renew", target=actor)
    return codes


def otp_verify(*, actor: User, token: str) -> Device:
    """The device that accepts this code (TOTP or a backup code, which is then used up).
    django-otp throttles each device after failures. A backup code's use is audited: it
    means the phone is missing."""
    device = match_token(actor, token.strip())
    if device is None:
        raise InvalidInput(
            _("The code is not correct."),
            problems=[
                Problem(
                    code="wrong_code",
                    message=_("The code is not correct, or tried too often; wait and retry."),
                    field="token",
                )
            ],
        )
    if isinstance(device, StaticDevice):
        audit_record(
            actor=actor,
            action="accounts.otp_backup_code_used",
            target=actor,
            detail={"left": device.token_set.count()},
        )
    return device


@transaction.atomic
def user_second_factor_reset(*, actor: User | None, user: User) -> User:
    """For a user who lost both the authenticator and the backup codes: they enrol again at
    their next login."""
    _require_manages(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="accounts.otp_reset", target=user)
    return user
