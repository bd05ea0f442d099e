from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.errors import InvalidInput
from gridgov.worktime.actions import calendar_year_set
from gridgov.worktime.arrangements import parse_arrangement


class Command(BaseCommand):
    help = (
        "Enter a year's official holiday arrangement (国务院办公厅关于部分节假日安排的通知) "
        "from a CSV (date,kind,name) or JSON file; it replaces what the year had."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--file", required=True, type=Path)
        parser.add_argument(
            "--provisional",
            action="store_true",
            help="Store the days but keep warning that the year is not complete.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        try:
            row = calendar_year_set(
                actor=None,
                year=options["year"],
                rows=parse_arrangement(text),
                complete=not options["provisional"],
            )
        except InvalidInput as exc:
            lines = [str(exc.message)]
            lines += [
                f"  line {p.index}: {p.item} {p.field}: {p.message}".replace("line None: ", "")
                for p in exc.problems
            ]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"{row.year}: {row.days.count()} days stored")
