from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.inspections.actions import rectifications_sweep


class Command(BaseCommand):
    help = "Mark overdue every rectification past its deadline (run by run_periodic)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"overdue {rectifications_sweep()}")
