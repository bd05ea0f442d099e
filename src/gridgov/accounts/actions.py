"""Every write to accounts and API tokens, except those that name where an account sits
(creating, moving, editing one: `placement.actions`, above the tree this package stands below).

An account manager (Capability.MANAGE_ACCOUNTS) acts only inside their own
jurisdiction: the account they change must lie in their subtree. `actor=None` means the
operator at the server console (manage.py), who is trusted and audited as
such. No action ever grants the superuser flag.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

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
from gridgov.accounts.roles import Capability
from gridgov.audit.actions import audit_record
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    ProblemList,
)


def password_problems(password: str, user: User) -> list[Problem]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [
            Problem(code=err.code or "invalid", message=" ".join(err.messages), field="password")
            for err in exc.error_list
        ]
    return []


def require_manager(actor: User | None) -> None:
    """Only an account manager manages accounts (here and in `placement`)."""
    if actor is not None and not actor.can(Capability.MANAGE_ACCOUNTS):
        raise PermissionDenied(_("Only a security administrator may manage accounts."))


def require_manages(actor: User | None, user: User) -> None:
    """An account manager changes another account, inside their tree; outside it is not found."""
    require_manager(actor)
    if actor is None:
        return
    if actor.pk == user.pk:
        raise PermissionDenied(
            _("Nobody may change their own account's role or status; ask another administrator.")
        )
    if not user.place_code or not actor.scope.covers(user.place_code):
        raise NotFound(_("No such account."), code="user_not_found")


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
    require_manages(actor, user)
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
        require_manages(actor, token.user)
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
    require_manages(actor, user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="accounts.otp_reset", target=user)
    return user
