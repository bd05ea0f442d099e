"""Delete the stored files of imports left unfinished too long; run by run_periodic."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.exchange.actions import import_files_expire


class Command(BaseCommand):
    help = "Delete stored import files not imported within GRIDGOV_IMPORT_FILE_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"exchange: {import_files_expire()} stored import files deleted")
