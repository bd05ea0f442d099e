"""Writes from the public: rate-limit counters, the secret a reporter receives, and a
resident's rating or complaint.

A counter is taken in its own transaction before the work it guards, so a
refused or failed request still counts; the counters are not audited (they
are not records of anyone's business, and an address is kept only hashed).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.core.errors import DomainError
from gridgov.events.actions.residents import event_resident_apply
from gridgov.events.models import Event
from gridgov.events.workflow import Command
from gridgov.residents.models import RateWindow, ReportSecret
from gridgov.residents.selectors import resident_event


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"


def hashed(value: str) -> str:
    """A bucket name that counts an address without keeping it."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def rate_take(*, bucket: str, limit: int, seconds: int) -> None:
    """Count one request of the bucket in the current fixed window; refuse past `limit`
    (0 means no limit). The conditional UPDATE lets concurrent workers share the count."""
    if limit <= 0:
        return
    start = _window_start(timezone.now(), seconds)
    with transaction.atomic():
        taken = RateWindow.objects.filter(bucket=bucket, window=start, count__lt=limit).update(
            count=F("count") + 1
        )
        if not taken and not RateWindow.objects.filter(bucket=bucket, window=start).exists():
            RateWindow.objects.filter(bucket=bucket, window__lt=start).delete()
            try:
                with transaction.atomic():
                    RateWindow.objects.create(bucket=bucket, window=start, count=1)
                taken = 1
            except IntegrityError:
                taken = RateWindow.objects.filter(
                    bucket=bucket, window=start, count__lt=limit
                ).update(count=F("count") + 1)
    if not taken:
        minutes = max(1, seconds // 60)
        raise TooManyRequests(
            _("Too many requests; try again within %(n)d minutes.") % {"n": minutes}
        )


@transaction.atomic
def resident_secret_issue(*, event: Event) -> str:
    """A new secret for the report just filed, returned once and kept as a digest. A retry of
    the same filing gets a new one and the old one stops: only the last answer reached the
    reporter for sure."""
    secret = ReportSecret.new()
    _row, created = ReportSecret.objects.update_or_create(
        event=event, defaults={"digest": ReportSecret.digest_of(secret)}
    )
    audit_record(
        actor=None,
        action="residents.secret_issue",
        target=event,
        detail={"number": event.number, "renewed": not created},
    )
    return secret


@transaction.atomic
def resident_rate(*, number: str, secret: str, score: int) -> Event:
    """The resident rates the handling of their closed report."""
    event = resident_event(number, secret)
    return event_resident_apply(event_id=event.pk, command=Command.EVALUATE, score=score)


@transaction.atomic
def resident_reopen(*, number: str, secret: str, reason: str) -> Event:
    """The resident says the problem is still there; the report goes back to the dispatchers."""
    event = resident_event(number, secret)
    return event_resident_apply(event_id=event.pk, command=Command.REOPEN, reason=reason)
