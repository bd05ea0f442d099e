"""Registering client applications, issuing their keys and counting their use."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gridgov.audit.actions import audit_record
from gridgov.open311.models import ClientApplication

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def _new_key() -> tuple[str, str, str]:
    key = secrets.token_urlsafe(32)
    return key, ClientApplication.digest_of(key), key[:8]


@transaction.atomic
def client_create(*, actor: User | None, client: ClientApplication) -> str:
    """Save a client filled in by the admin with a fresh key; the key is returned once."""
    key, client.digest, client.prefix = _new_key()
    client.save()
    audit_record(
        actor=actor,
        action="open311.client_create",
        target=client,
        detail={"name": client.name, "prefix": client.prefix},
    )
    return key


@transaction.atomic
def client_update(*, actor: User | None, client: ClientApplication, fields: list[str]) -> None:
    client.save()
    audit_record(
        actor=actor, action="open311.client_update", target=client, detail={"fields": fields}
    )


@transaction.atomic
def client_key_rotate(*, actor: User | None, client_id: int) -> str:
    """A new key for a client whose key leaked or was lost; the old one stops at once."""
    client = ClientApplication.objects.select_for_update().get(pk=client_id)
    key, client.digest, client.prefix = _new_key()
    client.save(update_fields=["digest", "prefix"])
    audit_record(
        actor=actor,
        action="open311.client_key_rotate",
        target=client,
        detail={"prefix": client.prefix},
    )
    return key


def client_count_use(*, client: ClientApplication, requests: int = 0, reports: int = 0) -> None:
    """Usage counts, by conditional increments so concurrent requests all count; not audited,
    as they record traffic, not decisions."""
    ClientApplication.objects.filter(pk=client.pk).update(
        request_count=F("request_count") + requests,
        report_count=F("report_count") + reports,
        last_used_at=timezone.now(),
    )
