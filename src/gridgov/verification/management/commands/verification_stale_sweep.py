"""Turn records not verified for N days into tasks for their grid workers; safe to rerun."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gridgov.verification.actions import SWEEP_LIMIT, stale_sweep
from gridgov.verification.selectors import verify_days


class Command(BaseCommand):
    help = "Create verification tasks for records not verified within --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--limit", type=int, default=SWEEP_LIMIT)

    def handle(self, *args: Any, days: int | None, limit: int, **options: Any) -> None:
        made = stale_sweep(
            actor=None, days=days if days is not None else verify_days(), limit=limit
        )
        self.stdout.write(f"{made} verification tasks created")
