"""Load boundaries from a GeoJSON file, reporting every problem or the counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.core.errors import DomainError
from gridgov.jurisdiction.actions.boundaries import boundaries_import


class Command(BaseCommand):
    help = "Import a GeoJSON FeatureCollection of jurisdiction nodes and layer units."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--actor", help="username recorded in the audit trail and whose jurisdiction applies"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gridgov.accounts.models import User

        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No such user: {options['actor']}")
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = boundaries_import(actor=actor, data=data)
        except DomainError as exc:
            for p in exc.problems:
                where = f"feature {p.index}" if p.index is not None else "file"
                item = f" ({p.item})" if p.item else ""
                field = f" {p.field}:" if p.field else ""
                self.stderr.write(f"{where}{item}{field} [{p.code}] {p.message}")
            raise CommandError(str(exc.message)) from exc
        counts = result.as_dict()
        self.stdout.write(
            f"created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}"
        )
