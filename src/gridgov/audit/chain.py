"""The hash chain that makes a removed or edited audit entry detectable (ADR 0013).

Each entry stores the hash of the one before it and a hash over its own
content and that link, so editing a row breaks its own hash and removing
or inserting one breaks the next row's link. The content is hashed in one
canonical JSON form, the same one the database hands back, so a row reads
back to the hash it was written with on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
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


# The columns digest() reads, in the order chain_break() expects them from values_list.
CHAINED_COLUMNS = (
    "id",
    "prev_hash",
    "hash",
    "at",
    "actor_id",
    "scope",
    "action",
    "target_type",
    "target_id",
    "detail",
)


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
    """Walk rows of CHAINED_COLUMNS in id order; stop at the first link that does not hold."""
    prev_hash, prev_id, checked = GENESIS, None, 0
    for entry_id, stored_prev, stored_hash, at, actor_id, scope, *rest in rows:
        action, target_type, target_id, detail = rest
        if stored_prev != prev_hash:
            after = f"entry #{prev_id}" if prev_id is not None else "the start of the trail"
            return ChainState(
                checked,
                prev_hash,
                Break(entry_id, f"does not follow {after}: an entry was removed or inserted"),
            )
        expected = digest(
            prev_hash=stored_prev,
            at=at,
            actor_id=actor_id,
            scope=scope,
            action=action,
            target_type=target_type,
            target_id=target_id,
            detail=detail,
        )
        if expected != stored_hash:
            return ChainState(
                checked, prev_hash, Break(entry_id, "its content was changed after it was written")
            )
        prev_hash, prev_id, checked = stored_hash, entry_id, checked + 1
    return ChainState(checked, prev_hash, None)
