"""The append-only audit trail: who did what to which record, and when; and its chainer."""

from __future__ import annotations

from typing import Any, Protocol

from django.db import connection, models, transaction

from gridgov.audit.chain import ENTRY_COLUMNS, GENESIS, canonical_detail, entry_digest
from gridgov.audit.models import AuditEntry, AuditLink

# pg_advisory_xact_lock key ("audi"): held by the one chainer appending links, until it commits.
CHAIN_LOCK = 0x61756469
# Entries linked per chainer transaction: short enough that a killed chainer loses little work.
CHAIN_BATCH = 2000
# A frequent run looks for unlinked entries only this many ids below the newest linked one,
# not through the whole trail; a full run (the periodic job's) finds any older straggler.
RECENT_IDS = 100_000


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
    """Write one audit row in the caller's transaction; called by every action.

    A plain INSERT: the row is linked into the hash chain by `audit_chain`
    after it commits (ADR 0034), so concurrent writers never wait for each other here.
    """
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    actor = actor if actor is not None and actor.pk else None
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None else None,
        # The node is usually loaded already by the action's scope check.
        scope=actor.place_code if actor is not None else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=canonical_detail(detail),
    )


def audit_chain(*, batch: int = CHAIN_BATCH, full: bool = True) -> int:
    """Link every committed entry not yet in the chain, oldest id first; the number linked.

    Each batch is its own transaction, so a chainer killed midway loses only its open batch,
    which the next run links again. A run that finds another chainer at work returns 0: the
    one at work links what is there. Without `full`, only entries at most RECENT_IDS below
    the newest linked one are looked for (an entry whose transaction outlived that many
    later ones waits for the next full run).
    """
    floor = None
    if not full:
        newest = AuditLink.objects.order_by("-entry_id").values_list("entry_id", flat=True)
        floor = (newest.first() or 0) - RECENT_IDS
    linked = 0
    while True:
        count = _chain_batch(batch, floor)
        linked += count
        if count < batch:
            return linked


@transaction.atomic
def _chain_batch(size: int, floor: int | None) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAIN_LOCK])
            if not cursor.fetchone()[0]:
                return 0
    head = AuditLink.objects.order_by("-id").values_list("hash", flat=True).first()
    prev_hash = GENESIS if head is None else head
    pending = AuditEntry.objects.filter(link__isnull=True)
    if floor is not None:
        pending = pending.filter(id__gt=floor)
    rows = pending.order_by("id").values_list(*ENTRY_COLUMNS)[:size]
    links = []
    for entry_id, *content in rows:
        link = AuditLink(
            entry_id=entry_id, prev_hash=prev_hash, hash=entry_digest(prev_hash, content)
        )
        links.append(link)
        prev_hash = link.hash
    AuditLink.objects.bulk_create(links)
    return len(links)
