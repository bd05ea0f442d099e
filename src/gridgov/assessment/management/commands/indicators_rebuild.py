"""Rebuild the daily indicator counts; the periodic job runs it with no arguments."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gridgov.assessment.actions import indicators_rebuild, indicators_refresh
from gridgov.core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Recompute IndicatorDaily for a range of local days; without one, yesterday, today and "
        "every day an event touched since the last run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="day_from", type=date.fromisoformat, default=None)
        parser.add_argument("--to", dest="day_to", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["day_from"] is None and options["day_to"] is None:
            days = indicators_refresh(actor=None)
            self.stdout.write(f"{len(days)} days: {', '.join(d.isoformat() for d in days)}")
            return
        today = timezone.localdate()
        day_from = options["day_from"] or today - timedelta(days=1)
        day_to = options["day_to"] or today
        try:
            rows = indicators_rebuild(actor=None, day_from=day_from, day_to=day_to)
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{day_from} – {day_to}: {rows} rows")
