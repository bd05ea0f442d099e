"""The public side's one write of its own: the rate-limit counters.

A counter is taken in its own transaction before the work it guards, so a
refused or failed request still counts; the counters are not audited (they
are not records of anyone's business, and an address is kept only hashed).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import DomainError
from gridgov.public.models import RateWindow


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"


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
