"""The second factor: who needs it, and what the enrolment page shows.

TOTP devices and backup codes are django-otp's models; the writes that
change them are in `actions.py`, the pages in `views.py`.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django_otp import user_has_device

from gridgov.accounts.roles import SECOND_FACTOR_ROLES

BACKUP_CODES = 10


def second_factor_required(user: Any) -> bool:
    """Where OTP_REQUIRED is on, the administrators and the roles that may reveal personal data."""
    return bool(
        settings.OTP_REQUIRED
        and user.is_authenticated
        and (user.role in SECOND_FACTOR_ROLES or user.is_superuser)
    )


def verified(user: Any) -> bool:
    """Whether this request's login passed the second factor: django-otp's middleware marks a
    session's user, the API's token authentication a token's (as the token was made)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def enrolled(user: Any) -> bool:
    return bool(user_has_device(user, confirmed=True))


def secret_text(device: Any) -> str:
    """The base32 secret in groups of four, for typing into an authenticator by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(uri: str) -> SafeString:
    """The otpauth URI as an inline SVG drawn here: no script, no image service, no CDN.
    segno writes only paths and the size, never the URI's text, so the markup is safe."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, title="")
    return mark_safe(svg)  # noqa: S308
