"""Reads of the audit trail: an auditor's entries, and the state of the hash chain."""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet

from gridgov.audit.chain import CHAINED_COLUMNS, ChainState, chain_check
from gridgov.audit.models import AuditEntry, AuditLink
from gridgov.core.scope import Scope


class Reader(Protocol):
    """What reading the trail needs of the caller: `accounts`' User, which stands above `audit`
    (ADR 0021)."""

    @property
    def scope(self) -> Scope: ...

    @property
    def at_root(self) -> bool: ...


def entries_visible(user: Reader) -> QuerySet[AuditEntry]:
    """Entries of actors inside the caller's tree; those of no account only at the tree's root."""
    rows = AuditEntry.objects.visible_to(user.scope)
    if user.at_root:
        # Written by nobody placed anywhere (the console): the root's to read.
        rows = rows | AuditEntry.objects.unscoped().filter(scope="")
    return rows.select_related("actor")


def chain_state() -> ChainState:
    """The chain walked link by link; an entry whose link is gone breaks the next link."""
    rows = AuditLink.objects.order_by("id").values_list(*CHAINED_COLUMNS)
    return chain_check(rows.iterator(chunk_size=2000))


def chain_pending() -> int:
    """Entries committed but not yet linked by the chainer (ADR 0034)."""
    return AuditEntry.objects.filter(link__isnull=True).count()
