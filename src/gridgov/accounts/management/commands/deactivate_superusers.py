"""Switch off every active superuser, as a production deployment requires (gridgov.E001)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.accounts.actions import superusers_deactivate


class Command(BaseCommand):
    help = "Deactivate every active superuser account (each deactivation is audited)."

    def handle(self, *args: Any, **options: Any) -> None:
        names = superusers_deactivate(actor=None)
        if names:
            self.stdout.write(self.style.SUCCESS(f"Deactivated: {', '.join(names)}"))
        else:
            self.stdout.write("No active superuser.")
