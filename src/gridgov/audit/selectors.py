"""Reads of the audit trail: an auditor's entries, and the state of the hash chain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gridgov.audit.chain import CHAINED_COLUMNS, ChainState, chain_check
from gridgov.audit.models import AuditEntry, AuditLink
from gridgov.jurisdiction.selectors import scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def entries_visible(user: User) -> QuerySet[AuditEntry]:
    """Entries of actors inside the caller's tree; those of no account only at the tree's root."""
    root = scope_root(user)
    scope = Q(scope__startswith=root.code)
    if root.parent_id is None:
        scope |= Q(scope="")
    return AuditEntry.objects.filter(scope).select_related("actor")


def chain_state() -> ChainState:
    """The chain walked link by link; an entry whose link is gone breaks the next link."""
    rows = AuditLink.objects.order_by("id").values_list(*CHAINED_COLUMNS)
    return chain_check(rows.iterator(chunk_size=2000))


def chain_pending() -> int:
    """Entries committed but not yet linked by the chainer (ADR 0034)."""
    return AuditEntry.objects.filter(link__isnull=True).count()
