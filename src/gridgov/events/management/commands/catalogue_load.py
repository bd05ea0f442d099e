from __future__ import annotations

import importlib.resources
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.errors import InvalidInput
from gridgov.events.actions.catalogue import catalogue_load


class Command(BaseCommand):
    help = (
        "Make the event catalogue equal a JSON file (the packaged default when none is named); "
        "running it again changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        try:
            text = (
                path.read_text(encoding="utf-8-sig")
                if path
                else (
                    importlib.resources.files("gridgov.events.data") / "catalogue.json"
                ).read_text(encoding="utf-8")
            )
            data = json.loads(text)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read {path or 'the default catalogue'}: {exc}") from exc
        try:
            result = catalogue_load(actor=None, data=data)
        except InvalidInput as exc:
            lines = [str(exc.message)]
            lines += [f"  {p.item or '-'} {p.field}: {p.message}" for p in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            f"created {len(result.created)}, updated {len(result.updated)}, "
            f"unchanged {len(result.unchanged)}, deactivated {len(result.deactivated)}"
        )
        if result.unresolved_departments:
            self.stdout.write(
                "department codes matched by suffix at dispatch: "
                + ", ".join(result.unresolved_departments)
            )
