from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.inspections.tasks import inspections_daily


class Command(BaseCommand):
    help = "Make the period's inspections of every venue and rebuild the daily figures."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(inspections_daily()))
