"""A resident's phone, sealed at rest with the platform's field encryption.

The key ring lives in gridgov.registry.crypto, the one place personal data is sealed; this
is the only import of notifications from a domain package, and the one to move should the
key ring move down into core."""

from __future__ import annotations

from gridgov.registry import crypto

FIELD = "notifications.delivery.sealed_address"


def seal(phone: str) -> str:
    return crypto.encrypt(phone, field=FIELD)


def unseal(stored: str) -> str:
    return crypto.decrypt(stored, field=FIELD)
