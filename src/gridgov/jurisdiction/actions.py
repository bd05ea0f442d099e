"""Every write to the jurisdiction tree and its layers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from gridgov.audit.actions import audit_record
from gridgov.jurisdiction.models import BoundaryVersion, Node

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def boundary_version_bump() -> None:
    """Tell every process's spatial index that boundaries changed (rebuilt on next use)."""
    updated = BoundaryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        BoundaryVersion.objects.create(pk=1, version=1)


@transaction.atomic
def nodes_bulk_create(*, actor: User | None, nodes: Iterable[Node], batch_size: int = 2000) -> int:
    """Insert many already-validated nodes at once (the demo seed, trusted loaders).

    Parents must be saved before their children; the caller orders them.
    One audit row records the whole batch.
    """
    created = Node.objects.bulk_create(list(nodes), batch_size=batch_size)
    audit_record(actor=actor, action="jurisdiction.nodes_bulk_create", detail={"count": len(created)})
    boundary_version_bump()
    return len(created)
