from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.whistle.actions import whistle_sweep


class Command(BaseCommand):
    help = "Escalate to the district every summons not reported within its time limit."

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = whistle_sweep()
        self.stdout.write(f"escalated {len(escalated)}")
