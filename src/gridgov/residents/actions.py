"""Writes from the public: the secret a reporter receives, and a resident's rating or
complaint. The rate-limit counters are gridgov.public's."""

from __future__ import annotations

from django.db import transaction

from gridgov.audit.actions import audit_record
from gridgov.events.actions.residents import event_resident_apply
from gridgov.events.models import Event
from gridgov.events.workflow import Command
from gridgov.residents.models import ReportSecret
from gridgov.residents.selectors import resident_event


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
