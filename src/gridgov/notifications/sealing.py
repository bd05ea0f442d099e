"""A resident's phone, sealed at rest with the platform's field encryption.

The key ring lives in gridgov.core.crypto, the one place personal data is sealed, below
every domain so that notifications, which the domains call, need none of them."""

from __future__ import annotations

from gridgov.core import crypto

FIELD = "notifications.delivery.sealed_address"


def seal(phone: str) -> str:
    return crypto.encrypt(phone, field=FIELD)


def unseal(stored: str) -> str:
    return crypto.decrypt(stored, field=FIELD)
