"""Write boundaries out as GeoJSON, e.g. to hand to a department or re-import elsewhere."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.core.errors import DomainError
from gridgov.jurisdiction.geojson_io import export_collection


class Command(BaseCommand):
    help = "Export jurisdiction nodes (or one overlay layer's units) as a FeatureCollection."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root", help="code of the subtree to export (default: the city)")
        parser.add_argument("--layer", help="overlay layer kind to export instead of nodes")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        from gridgov.accounts.models import User

        # The command runs with the server's full authority: an unscoped superuser view.
        everything = User(username="export_geojson", is_superuser=True)
        try:
            data = export_collection(
                everything, root_code=options["root"], layer_kind=options["layer"]
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        text = json.dumps(data, ensure_ascii=False)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text)
            self.stdout.write(f"{len(data['features'])} features written to {options['output']}")
        else:
            self.stdout.write(text)
