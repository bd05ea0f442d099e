"""Recount the daily mediation figures: today and yesterday, or every day since --since."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from gridgov.mediation.actions import figures_rebuild


class Command(BaseCommand):
    help = "Recount the daily mediation figures (today and yesterday, or since a date)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        since: date = options["since"] or today - timedelta(days=1)
        days = [since + timedelta(days=n) for n in range((today - since).days + 1)]
        rows = figures_rebuild(days)
        self.stdout.write(f"days={len(days)} rows={rows}")
