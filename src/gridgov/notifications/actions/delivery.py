"""Send one delivery row, once.

The row is locked for the send, and marked sent in the same transaction: a second run of
the task (the outbox's publish racing a drain, a broker redelivering to the next worker
after a kill) waits for the lock, then finds the row sent and does nothing. A worker killed
after the adapter returned but before the commit leaves the row pending; the next run sends
again with the same key, which the adapter contract passes on for the receiver to drop."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gridgov.notifications import sealing
from gridgov.notifications.channels import Outgoing, adapter_for
from gridgov.notifications.models import Channel, Delivery, DeliveryStatus


def _address(row: Delivery) -> str:
    if row.channel == Channel.WEBHOOK:
        return row.endpoint.url if row.endpoint else ""
    if row.sealed_address:
        return sealing.unseal(row.sealed_address)
    user = row.recipient
    if user is None:
        return ""
    if row.channel == Channel.EMAIL:
        return user.email
    if row.channel == Channel.CHAT:
        return user.username
    return ""


def outgoing(row: Delivery) -> Outgoing:
    notice = row.notice
    return Outgoing(
        key=row.key,
        kind=notice.kind,
        title=notice.title,
        body=notice.body,
        link=notice.link,
        address=_address(row),
        data=notice.payload,
        secret=row.endpoint.secret if row.endpoint else "",
    )


def delivery_run(*, delivery_id: int) -> str:
    """Send the row unless it was sent; the status it ends in. An adapter's error rolls the
    attempt back and propagates, so the task retries (and in the end keeps a dead task)."""
    with transaction.atomic():
        row = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notice", "recipient", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if row is None or row.status != DeliveryStatus.PENDING:
            return row.status if row else "missing"
        adapter = adapter_for(row.channel)
        message = outgoing(row)
        if adapter is None or not message.address:
            row.status = DeliveryStatus.SKIPPED
        else:
            adapter.send(message)
            row.status = DeliveryStatus.SENT
            row.sent_at = timezone.now()
        row.attempts += 1
        row.save(update_fields=["status", "sent_at", "attempts"])
        return row.status
