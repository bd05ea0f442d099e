"""Generate the day's patrol and visit tasks and rebuild the daily table (what the beat runs
hourly); --rebuild-from rebuilds the table from a day up to today, after a correction."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gridgov.fieldwork.actions.daily import fieldwork_daily
from gridgov.fieldwork.actions.figures import field_daily_rebuild_range


class Command(BaseCommand):
    help = "Generate today's patrol and visit tasks and rebuild the field-work daily table."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, default=None)
        parser.add_argument("--rebuild-from", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        first: date | None = options["rebuild_from"]
        if first is not None:
            today = timezone.localdate()
            if first > today:
                raise CommandError("--rebuild-from is a day up to today")
            rows = field_daily_rebuild_range(first=first, last=today)
            self.stdout.write(f"rows={rows}")
            return
        result = fieldwork_daily(day=options["day"])
        self.stdout.write(f"patrols={result.patrols} visits={result.visits} rows={result.rows}")
