"""The suspected case's loop (群租房预警): one table, applied by rentals.actions.case_apply.

suspected → verifying (a field task sent to the grid worker) → confirmed or dismissed;
confirmed → rectifying (its hazards referred as events to the responsible departments) →
rectified when every referred event is closed; a confirmed case without hazards is
rectified on the spot.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUSPECTED = "suspected", _("suspected")
    VERIFYING = "verifying", _("being verified")
    CONFIRMED = "confirmed", _("confirmed")
    DISMISSED = "dismissed", _("dismissed")
    RECTIFYING = "rectifying", _("being rectified")
    RECTIFIED = "rectified", _("rectified")


class Command(models.TextChoices):
    VERIFY = "verify", _("send for verification")
    CONFIRM = "confirm", _("confirm")
    DISMISS = "dismiss", _("dismiss")
    REFER = "refer", _("refer the hazards")
    RECTIFY = "rectify", _("record rectification")


@dataclass(frozen=True)
class Facts:
    open: bool
    # Counted in a rule's precision as a decided case (the numerator only when confirmed).
    decided: bool
    confirmed: bool


STATES: dict[Status, Facts] = {
    Status.SUSPECTED: Facts(open=True, decided=False, confirmed=False),
    Status.VERIFYING: Facts(open=True, decided=False, confirmed=False),
    Status.CONFIRMED: Facts(open=True, decided=True, confirmed=True),
    Status.DISMISSED: Facts(open=False, decided=True, confirmed=False),
    Status.RECTIFYING: Facts(open=True, decided=True, confirmed=True),
    Status.RECTIFIED: Facts(open=False, decided=True, confirmed=True),
}

S, C = Status, Command

TRANSITIONS: dict[tuple[Status, Command], Status] = {
    (S.SUSPECTED, C.VERIFY): S.VERIFYING,
    (S.SUSPECTED, C.DISMISS): S.DISMISSED,
    (S.VERIFYING, C.CONFIRM): S.CONFIRMED,
    (S.VERIFYING, C.DISMISS): S.DISMISSED,
    (S.CONFIRMED, C.REFER): S.RECTIFYING,
    (S.CONFIRMED, C.RECTIFY): S.RECTIFIED,
    (S.RECTIFYING, C.RECTIFY): S.RECTIFIED,
}

OPEN_STATUSES: tuple[Status, ...] = tuple(s for s, f in STATES.items() if f.open)
CONFIRMED_STATUSES: tuple[Status, ...] = tuple(s for s, f in STATES.items() if f.confirmed)
DECIDED_STATUSES: tuple[Status, ...] = tuple(s for s, f in STATES.items() if f.decided)


def allowed(status: str) -> list[str]:
    return [command.value for (state, command) in TRANSITIONS if state == status]
