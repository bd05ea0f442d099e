from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.command.actions.retention import checkins_expire


class Command(BaseCommand):
    help = (
        "Delete duty check-ins older than COMMAND_CHECKIN_RETENTION_DAYS, their days' "
        "attendance kept in field work's daily table; running it twice is harmless."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"deleted {checkins_expire()}")
