"""The append-only audit trail: who did what to which record, and when."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import connection, models, transaction

from gridgov.audit.chain import GENESIS, canonical_detail, digest
from gridgov.audit.models import AuditEntry

# pg_advisory_xact_lock key ("audi"): held from reading the chain's head until the writer commits.
CHAIN_LOCK = 0x61756469


class Actor(Protocol):
    """What an audit row needs of its actor. The actor is `accounts`' User, which stands above
    `audit` (ADR 0021): every account action writes a row, so the trail cannot import it."""

    @property
    def pk(self) -> Any: ...

    @property
    def place_code(self) -> str:
        """The code of the node the account sits on (or its department's); empty for none."""
        ...


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row, chained to the one before it; called by every action in its transaction.

    On PostgreSQL a transaction-scoped advisory lock serialises appends, so
    two writers cannot both read the same head and fork the chain; SQLite's
    IMMEDIATE transactions already serialise writers.
    """
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    actor = actor if actor is not None and actor.pk else None
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        # The chain's head is the whole trail's, whoever writes.
        head = AuditEntry.objects.unscoped().order_by("-id").values_list("hash", flat=True).first()
        entry = AuditEntry(
            actor_id=actor.pk if actor is not None else None,
            # The node is usually loaded already by the action's scope check.
            scope=actor.place_code if actor is not None else "",
            action=action,
            target_type=target_type,
            target_id=target_id,
            detail=canonical_detail(detail),
            prev_hash=GENESIS if head is None else head,
        )
        entry.hash = digest(
            prev_hash=entry.prev_hash,
            at=entry.at,
            actor_id=entry.actor_id,
            scope=entry.scope,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            detail=entry.detail,
        )
        entry.save()
    return entry
