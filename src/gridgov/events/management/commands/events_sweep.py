from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from gridgov.events.actions.sweep import BATCH_SIZE, events_sweep


class Command(BaseCommand):
    help = (
        "Escalate every event stage whose time limit has passed, once. Run it from cron or a "
        "systemd timer, or with --loop SECONDS as a small daemon; running it twice is harmless."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", type=float, metavar="SECONDS", default=0)
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        interval: float = options["loop"]
        batch_size: int = options["batch_size"]
        if interval < 0 or batch_size < 1:
            raise CommandError("--loop must be ≥ 0 and --batch-size ≥ 1")
        while True:
            result = events_sweep(batch_size=batch_size)
            self.stdout.write(f"escalated {result.escalated} in {result.batches} batch(es)")
            if not interval:
                return
            time.sleep(interval)
            # A daemon outlives database restarts and connection limits: reconnect when stale.
            close_old_connections()
