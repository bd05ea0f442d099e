"""manage.py seed_demo: build the real-shaped Nanjing demo city (see gridgov.demo.plan)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import DomainError
from gridgov.demo.actions import demo_city_reset, demo_city_seed
from gridgov.demo.history import HISTORY_DAYS
from gridgov.demo.insight import insight_seed
from gridgov.demo.management.commands.demo_logins import write_logins
from gridgov.demo.plan import SCALES


class Command(BaseCommand):
    help = "Seed the demo city: Nanjing's districts, subdistricts, communities, grids and staff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo city first, then seed."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--no-history", action="store_true", help="Skip the year of demo events."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale, seed = options["scale"], options["seed"]
        try:
            if options["reset"]:
                deleted = demo_city_reset()
                if deleted:
                    self.stdout.write(
                        _("Deleted the demo city: %(counts)s")
                        % {"counts": ", ".join(f"{k} {v}" for k, v in deleted.items())}
                    )
            outcome = demo_city_seed(
                scale=scale,
                seed=seed,
                progress=not options["no_progress"] and options["verbosity"] > 0,
                history=not options["no_history"],
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        if outcome.created and not options["no_history"]:
            self._after_history()
        if outcome.created:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Seeded the demo city (scale %(scale)s, seed %(seed)d): %(counts)s")
                    % {
                        "scale": scale,
                        "seed": seed,
                        "counts": ", ".join(f"{k} {v}" for k, v in outcome.counts.items()),
                    }
                )
            )
        else:
            previous = outcome.previous or {}
            self.stdout.write(
                _(
                    "The demo city is already seeded (scale %(scale)s, seed %(seed)s); "
                    "only the demo accounts were checked. Use --reset to seed it again."
                )
                % {"scale": previous.get("scale", "?"), "seed": previous.get("seed", "?")}
            )
        write_logins(self.stdout)

    def _after_history(self) -> None:
        """The year of events counted into the daily indicators, so /assessment/ shows every
        month of it (the periodic job only counts yesterday and today), then the periodic job
        run once, as a deployment's schedule would have: overdue stages climb, stale records
        become verification tasks."""
        today = timezone.localdate()
        call_command(
            "indicators_rebuild",
            "--from",
            (today - timedelta(days=HISTORY_DAYS)).isoformat(),
            "--to",
            today.isoformat(),
            stdout=self.stdout,
        )
        call_command("run_periodic", stdout=self.stdout)
        # The indices need the year's daily counts above; a year of them, with one notice.
        notice = insight_seed()
        self.stdout.write(f"insight: prompt notice {notice or 'none'}")
