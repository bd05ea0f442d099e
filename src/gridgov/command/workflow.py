"""An addressee's steps on an instruction, declared once: acknowledge (已收到), then report it
carried out (已落实). Reporting straight away acknowledges too. actions.receipt_apply is the one
writer of a receipt's status; any other (state, command) pair answers 409."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.command.models import ReceiptStatus


class ReceiptCommand(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("acknowledge")
    REPORT = "report", _("report carried out")


@dataclass(frozen=True)
class StateFacts:
    # The Receipt field stamped when the state is entered.
    stamp: str
    # Still waiting for the addressee to say they have it.
    unacknowledged: bool


S, C = ReceiptStatus, ReceiptCommand

STATES: dict[ReceiptStatus, StateFacts] = {
    S.PENDING: StateFacts(stamp="pending_at", unacknowledged=True),
    S.ACKNOWLEDGED: StateFacts(stamp="acknowledged_at", unacknowledged=False),
    S.DONE: StateFacts(stamp="done_at", unacknowledged=False),
}

TRANSITIONS: dict[tuple[ReceiptStatus, ReceiptCommand], ReceiptStatus] = {
    (S.PENDING, C.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.PENDING, C.REPORT): S.DONE,
    (S.ACKNOWLEDGED, C.REPORT): S.DONE,
}

UNACKNOWLEDGED: tuple[ReceiptStatus, ...] = tuple(s for s, f in STATES.items() if f.unacknowledged)
