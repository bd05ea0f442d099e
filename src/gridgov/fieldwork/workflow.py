"""A field task's states and steps, declared once (as the event loop's, ADR 0006).

A task is open until it is done or cancelled; fieldwork.actions applies these tables and
nothing else writes FieldTask.status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("field task", "to do")
    DONE = "done", pgettext_lazy("field task", "done")
    CANCELLED = "cancelled", pgettext_lazy("field task", "cancelled")


class Command(models.TextChoices):
    COMPLETE = "complete", _("complete")
    CANCEL = "cancel", _("cancel")


@dataclass(frozen=True)
class StateFacts:
    is_open: bool
    # The FieldTask field stamped when a task enters the state.
    stamp: str


STATES: dict[Status, StateFacts] = {
    Status.OPEN: StateFacts(is_open=True, stamp="created_at"),
    Status.DONE: StateFacts(is_open=False, stamp="done_at"),
    Status.CANCELLED: StateFacts(is_open=False, stamp="cancelled_at"),
}

TRANSITIONS: dict[tuple[Status, Command], Status] = {
    (Status.OPEN, Command.COMPLETE): Status.DONE,
    (Status.OPEN, Command.CANCEL): Status.CANCELLED,
}

OPEN_STATUSES = frozenset(s for s, facts in STATES.items() if facts.is_open)
