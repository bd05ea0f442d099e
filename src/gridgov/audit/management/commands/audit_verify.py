"""Verify the audit trail's hash chain; exit non-zero naming the first broken link.

Run it from cron and keep the printed head hash somewhere the database's
owner cannot write: the chain shows an edit or a removal inside the
trail, and a recorded head also shows entries cut from its end (ADR 0013).
Entries the chainer has not linked yet are counted, not checked (ADR 0034):
a count that keeps growing means the chainer is not running.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gridgov.audit.selectors import chain_pending, chain_state


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and name the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        state = chain_state()
        if state.first_break is not None:
            broken = state.first_break
            raise CommandError(
                f"Audit entry #{broken.entry_id} breaks the chain: {broken.reason} "
                f"({state.checked} entries before it are intact)."
            )
        self.stdout.write(
            f"{state.checked} audit entries intact; head {state.head or '-'}; "
            f"{chain_pending()} awaiting the chainer"
        )
