"""The hash chain that makes a removed or edited audit entry detectable (ADRs 0013, 0034).

Each entry's link stores the hash of the link before it and a hash over the
entry's content and that link, so editing an entry breaks its own hash and
removing or inserting one breaks the next link. The content is hashed in one
canonical JSON form, the same one the database hands back, so a row reads
back to the hash it was written with on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = ""


def canonical_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as the JSON column returns it (string keys, lists for tuples)."""
    loaded: dict[str, Any] = json.loads(json.dumps(detail or {}))
    return loaded


def digest(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    scope: str,
    action: str,
    target_type: str,
    target_id: str,
    detail: dict[str, Any],
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.astimezone(UTC).isoformat(),
            actor_id,
            scope,
            action,
            target_type,
            target_id,
            detail,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# An entry's content as digest() reads it, after its id, in the order of its keywords.
CONTENT_COLUMNS = ("at", "actor_id", "scope", "action", "target_type", "target_id", "detail")
# What the chainer reads of an entry it links.
ENTRY_COLUMNS = ("id", *CONTENT_COLUMNS)
# What chain_check() reads of each link, in the chain's order.
CHAINED_COLUMNS = (
    "entry_id",
    "prev_hash",
    "hash",
    *(f"entry__{'actor' if c == 'actor_id' else c}" for c in CONTENT_COLUMNS),
)


def entry_digest(prev_hash: str, content: Sequence[Any]) -> str:
    """The hash of an entry's content (CONTENT_COLUMNS, in order) linked to `prev_hash`."""
    return digest(prev_hash=prev_hash, **dict(zip(CONTENT_COLUMNS, content, strict=True)))


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class ChainState:
    checked: int
    head: str
    first_break: Break | None


def chain_check(rows: Iterable[tuple[Any, ...]]) -> ChainState:
    """Walk rows of CHAINED_COLUMNS in the links' order; stop at the first that does not hold."""
    prev_hash, prev_id, checked = GENESIS, None, 0
    for entry_id, stored_prev, stored_hash, *content in rows:
        if stored_prev != prev_hash:
            after = f"entry #{prev_id}" if prev_id is not None else "the start of the trail"
            return ChainState(
                checked,
                prev_hash,
                Break(entry_id, f"does not follow {after}: an entry was removed or inserted"),
            )
        if entry_digest(stored_prev, content) != stored_hash:
            return ChainState(
                checked, prev_hash, Break(entry_id, "its content was changed after it was written")
            )
        prev_hash, prev_id, checked = stored_hash, entry_id, checked + 1
    return ChainState(checked, prev_hash, None)
