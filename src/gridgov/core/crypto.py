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
from collections.abc import Iterable
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


# The personal fields of the registry, each the associated data of its ciphertext and the
# domain of its blind index: a value sealed for one does not open or match under another.
PERSON_ID_NUMBER = "person.id_number"
PERSON_PHONE = "person.phone"
# How each kind of value is masked, by the last part of its field's name.
_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


@dataclass(frozen=True)
class Sealed:
    """The three stored forms of one personal value: exact search, audited unmask, display."""

    index: str
    encrypted: str
    masked: str

    def columns(self, name: str) -> dict[str, str]:
        """As a record stores them: `<name>_index`, `<name>_encrypted`, `<name>_masked`."""
        return {
            f"{name}_index": self.index,
            f"{name}_encrypted": self.encrypted,
            f"{name}_masked": self.masked,
        }


EMPTY = Sealed("", "", "")


def seal(value: str, field: str, *, ring: Keyring | None = None) -> Sealed:
    """Blind index, ciphertext and mask of a normalised value (no value, nothing stored).

    The one place personal data is sealed: the registry's actions, its bulk upsert and the
    verification tasks that carry a value until a grid worker decides all come here.
    """
    if not value:
        return EMPTY
    ring = ring or keyring()
    return Sealed(
        blind_index(value, field=field, ring=ring),
        encrypt(value, field=field, ring=ring),
        mask(value, field),
    )


def mask(value: str, field: str) -> str:
    """The displayed form of a personal value, as `seal` stores it."""
    return _MASKS[field.rpartition(".")[2]](value)


# Full-width forms (０-９, Ａ-Ｚ, ＠, －, （）) and the other dashes and spaces people type, one
# character for one, so a match in the folded text is the same span in the original.
_FOLD = (
    {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
    | {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"}
    | {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u3000"}
)

# Between two digits a person may put one space or dash: 138 1234 5678, 320104-1990...
_D = r"(?:[ -]?[0-9])"
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Digits held together by single separators, as one number or several typed in a row.
_RUN = re.compile(
    _EDGE_BEFORE + r"(?:\+|\((?=0[0-9]{2,3}\)))?[0-9](?:(?:[ -]|\)[ -]?)?[0-9])*[Xx]?" + _EDGE_AFTER
)
# Longest first: an 18-character resident ID (its last may be X), a bank card of 16 to 19
# digits, a 15-digit ID of the old form, a mobile (with +86), a landline with its area code
# ((025) 8456-1234), an 8- or 7-digit local line (8456 1234). A date (2026-12-07) is none.
_NUMBER = re.compile(
    _EDGE_BEFORE
    + "(?:"
    + "|".join(
        [
            rf"[0-9]{_D}{{16}}[ -]?[0-9Xx]",
            rf"[0-9]{_D}{{15,18}}",
            rf"[0-9]{_D}{{14}}",
            rf"(?:\+?86[ -]?)?1[ -]?[3-9]{_D}{{9}}",
            r"(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4}",
            r"[2-8][0-9]{2,3}[ -]?[0-9]{4}",
        ]
    )
    + ")"
    + _EDGE_AFTER
)
_CJK = "[\u3400-\u9fff]"


def _mask_run(typed: str, run: str) -> str:
    """One identifier as its kind is masked; a run holding more than one, or one and more
    digits, has every digit starred, since where one ends and the next begins is a guess."""
    found = list(_NUMBER.finditer(run))
    if not found:
        return typed
    if len(found) > 1 or found[0].group() != run:
        return "".join("*" if f in "0123456789Xx" else t for t, f in zip(typed, run, strict=True))
    digits = re.sub(r"[^0-9Xx]", "", run)
    if len(digits) in (15, 18):
        return mask_id_number(digits)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return mask_phone(digits)


def _mask_email(found: str) -> str:
    local, _at, domain = found.partition("@")
    return f"{local[:1]}***@{domain}"


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """Masks what identifies a person in free text: e-mail addresses, resident ID numbers,
    bank cards, mobiles and landlines however they are typed (full-width digits, spaces,
    dashes), and `names` as the hotline and residents' forms recorded them, masked (张*: the
    family name and the length), which is all the system keeps of a caller's name. Logs,
    audit notes and every public answer read text through here."""
    folded = text.translate(_FOLD)
    spans = [(m.start(), m.end(), _mask_email(m.group())) for m in _EMAIL.finditer(folded)]
    taken = _EMAIL.sub(lambda m: "@" * len(m.group()), folded)
    spans += [
        (m.start(), m.end(), _mask_run(text[m.start() : m.end()], m.group()))
        for m in _RUN.finditer(taken)
    ]
    for name in {n for n in names if len(n) > 1 and n[0] != "*"}:
        shaped = re.compile(re.escape(name[0]) + _CJK + f"{{{len(name) - 1}}}")
        spans += [(m.start(), m.end(), name) for m in shaped.finditer(folded)]
    out, at = [], 0
    for start, end, masked in sorted(spans):
        if start >= at:
            out += [text[at:start], masked]
            at = end
    return "".join(out) + text[at:]


class RedactingFilter(logging.Filter):
    """Masks what `redact` finds in a record's final message before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            # Each text argument on its own: the server log's status and size side by side
            # ("200 2261") are no telephone number.
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
            if isinstance(record.msg, str):
                record.msg = redact(record.msg)
        else:
            message = record.getMessage()
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
