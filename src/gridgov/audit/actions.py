from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from gridgov.audit.models import AuditEntry

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row; called by every action inside its transaction."""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail or {},
    )
