"""The one periodic entry point: a deployment schedules this, not each job on its own.

The jobs run in order because each feeds the next: overdue stages climb first, then late
whistle reports go to the district, then the daily indicators count what both changed;
records left unverified for too long become grid workers' tasks, then expired files and
duty check-ins past their retention go, feeding none of them; the audit entries all of them
wrote are linked into the hash chain last (ADR 0034).
Each job commits its own work in its own transactions (the sweeper one per batch, the
whistle sweep one per summons, the rebuild one per day); wrapping a job in one more
transaction would hold every row it touched locked until its end and lose all of it on a
late failure. A job that fails is logged and the next one still runs.
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

logger = logging.getLogger(__name__)

JOBS = (
    "events_sweep",
    "whistle_sweep",
    "inspections_sweep",
    "indicators_rebuild",
    "mediation_figures_rebuild",
    "verification_stale_sweep",
    "exchange_expire_files",
    "command_checkins_expire",
    "audit_chain",
)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (sweeps, indicator and figure rebuilds, file expiry) in order, "
        "once, or every SECONDS with --loop; each job's counts are logged and printed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", type=float, metavar="SECONDS", default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        interval: float = options["loop"]
        if interval < 0:
            raise CommandError("--loop must be ≥ 0")
        while True:
            failed = self.run_once()
            if not interval:
                if failed:
                    raise CommandError(f"failed: {', '.join(failed)}")
                return
            time.sleep(interval)
            # A daemon outlives database restarts and connection limits: reconnect when stale.
            close_old_connections()

    def run_once(self) -> list[str]:
        """Every job in turn; the names of those that failed."""
        failed = []
        for name in JOBS:
            out = StringIO()
            try:
                call_command(name, stdout=out)
            except Exception:
                logger.exception("periodic %s failed", name)
                failed.append(name)
                continue
            counts = out.getvalue().strip()
            logger.info("periodic %s: %s", name, counts)
            self.stdout.write(f"{name}: {counts}")
        return failed
