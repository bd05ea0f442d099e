"""Link the audit entries written since the last run into the hash chain (ADR 0034).

The task engine runs it every few seconds (`gridgov.tasks.audit_chain`); this command is the
same for a cron line or a console, and safe beside a running chainer.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.audit.actions import audit_chain


class Command(BaseCommand):
    help = "Link the audit entries not yet in the hash chain, in batches."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"linked {audit_chain()}")
