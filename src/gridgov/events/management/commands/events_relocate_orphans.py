from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridgov.events.actions.relocation import event_orphans_relocate


class Command(BaseCommand):
    help = (
        "Move every open event that lies outside all grids (filed before intake refused such "
        "points) to the nearest grid, so someone has it in a queue; audited, and harmless to "
        "run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        moved = event_orphans_relocate(actor=None)
        self.stdout.write(f"relocated {len(moved)} event(s): {' '.join(moved)}".rstrip(": "))
