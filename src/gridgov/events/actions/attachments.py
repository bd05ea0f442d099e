"""The photos of events: those a step brings, which of them residents may see, and
those a form keeps while it is corrected."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from gridgov.accounts.models import User
from gridgov.audit.actions import audit_record
from gridgov.core.errors import ProblemList
from gridgov.events.models import Event, EventAttachment, EventTransition
from gridgov.events.photos import (
    MAX_PHOTOS,
    PENDING_DIR,
    Photo,
    Upload,
    kept_entries,
    kept_sign,
    photos_checked,
)
from gridgov.events.selectors import events_visible


def _store_photos(
    event: Event,
    photos: list[Photo],
    actor: User | None,
    now: datetime,
    transition: EventTransition | None = None,
) -> None:
    for photo in photos:
        attachment = EventAttachment(
            event=event,
            transition=transition,
            name=photo.name,
            content_type=photo.content_type,
            size=len(photo.content),
            sha256=photo.sha256,
            uploaded_by=actor,
            at=now,
        )
        attachment.file.save(
            f"{photo.sha256[:20]}.{photo.extension}", ContentFile(photo.content), save=False
        )
        attachment.save()


@transaction.atomic
def attachment_publish(*, actor: User, attachment_ids: list[int], approved: bool) -> int:
    """Staff decide which photos residents may see; a photo can show faces or doorways, so
    none is public until someone of the event's jurisdiction has looked at it."""
    ids = list(
        EventAttachment.objects.filter(
            pk__in=attachment_ids, event__in=events_visible(actor)
        ).values_list("pk", flat=True)
    )
    changed = (
        EventAttachment.objects.filter(pk__in=ids)
        .exclude(public_approved=approved)
        .update(public_approved=approved)
    )
    audit_record(
        actor=actor,
        action="events.attachment_publish" if approved else "events.attachment_withdraw",
        target_type="events.eventattachment",
        detail={"ids": ids, "changed": changed},
    )
    return changed


def photos_keep(uploads: list[Upload], *, owner: str, already: str = "") -> str:
    """Store the photos of a form that came back with an error, so the reporter need not choose
    them again: the real photos among `uploads` join those `already` kept, and the signed
    list the form carries is returned. Files are not events' attachments until reported."""
    entries = kept_entries(already, owner=owner)
    for photo in photos_checked(uploads, ProblemList()):
        path = default_storage.save(
            f"{PENDING_DIR}/{secrets.token_hex(16)}.{photo.extension}", ContentFile(photo.content)
        )
        entries.append((path, photo.name))
    return kept_sign(entries[:MAX_PHOTOS], owner=owner)


def photos_discard(signed: str, *, owner: str) -> None:
    """The kept files, once the report holds its own copies."""
    for path, _name in kept_entries(signed, owner=owner):
        default_storage.delete(path)
