"""Field encryption, blind indexes, masking and log redaction for personal data.

ID numbers and phones are encrypted with AES-256-GCM; each stored value
carries the id of its key ("k2:" + base64(nonce + ciphertext)), so keys can
rotate while old rows still decrypt. The field's name is the associated
data: a ciphertext copied into another column does not decrypt there.

Exact search uses a blind index, an HMAC-SHA256 of the normalised value
under a separate key; it never changes when the data keys rotate.

Values are encrypted and decrypted explicitly by the registry's actions
rather than by a custom model field: a transparent field would put the
plaintext on every loaded row, where a template, serializer, admin page or
log line could show it. Here the only way to plaintext is `decrypt`, called
only by the audited unmask action.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

KEYS_ENV = "GRIDGOV_DATA_KEYS"
CURRENT_ENV = "GRIDGOV_DATA_KEY_CURRENT"
BLIND_INDEX_ENV = "GRIDGOV_BLIND_INDEX_KEY"
DEV_KEY_ID = "dev"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """A stored value that no configured key opens: a missing key or tampered data."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current: str
    blind_index_key: bytes


def _decode_key(name: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ImproperlyConfigured(f"{name}: a key is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name}: each key must be 32 bytes")
    return key


@functools.cache
def _warn_derived() -> None:
    logger.warning(
        "%s/%s are not set: personal data is encrypted with keys derived from SECRET_KEY. "
        "This is acceptable in development and tests only.",
        KEYS_ENV,
        BLIND_INDEX_ENV,
    )


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"gridgov:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def keyring() -> Keyring:
    """The keys from the environment, read on each call so a rotation needs no code reload."""
    spec = os.environ.get(KEYS_ENV, "").strip()
    index_text = os.environ.get(BLIND_INDEX_ENV, "").strip()
    if not spec or not index_text:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(
                f"{KEYS_ENV} and {BLIND_INDEX_ENV} must be set in production"
            )
        _warn_derived()
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key_id, sep, text = item.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", key_id):
            raise ImproperlyConfigured(f"{KEYS_ENV}: expected id:base64key, comma separated")
        keys[key_id] = _decode_key(KEYS_ENV, text)
    if not keys:
        keys[DEV_KEY_ID] = _derived("data-key")
    current = os.environ.get(CURRENT_ENV, "").strip() or max(keys)
    if current not in keys:
        raise ImproperlyConfigured(f"{CURRENT_ENV}={current} names no key in {KEYS_ENV}")
    index_key = _decode_key(BLIND_INDEX_ENV, index_text) if index_text else _derived("blind-index")
    return Keyring(keys, current, index_key)


def encrypt(plaintext: str, *, field: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current]).encrypt(nonce, plaintext.encode(), field.encode())
    return f"{ring.current}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str:
    return stored.partition(":")[0]


def decrypt(stored: str, *, field: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    key_id, _sep, body = stored.partition(":")
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"no key {key_id!r} is configured")
    try:
        raw = base64.b64decode(body, validate=True)
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], field.encode())
    except (binascii.Error, InvalidTag) as exc:
        raise DecryptionError("the stored value does not decrypt") from exc
    return plain.decode()


def blind_index(normalised: str, *, field: str, ring: Keyring | None = None) -> str:
    """The HMAC of a normalised value; equal values give equal indexes, nothing else does."""
    ring = ring or keyring()
    message = f"{field}\x00{normalised}".encode()
    return hmac.new(ring.blind_index_key, message, hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """320102199001011234 → 3201**********1234: the city and the last four digits."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; other numbers keep only their last four digits."""
    if len(value) == 11:
        return f"{value[:3]}****{value[-4:]}"
    return "*" * max(len(value) - 4, 0) + value[-4:]


# An 18-character resident ID or an 11-digit mobile, not part of a longer number.
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_PATTERN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def redact(text: str) -> str:
    text = _ID_PATTERN.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE_PATTERN.sub(lambda m: mask_phone(m.group()), text)


class RedactingFilter(logging.Filter):
    """Masks ID numbers and mobile numbers in a record's final message before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
