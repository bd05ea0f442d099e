"""manage.py addresses_generate: a standard address library for the seeded demo city."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gridgov.addresses.actions import library_generate
from gridgov.addresses.generate import DENSITIES
from gridgov.core.errors import DomainError


class Command(BaseCommand):
    help = "Generate the address library for every comprehensive grid of the seeded demo city."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(DENSITIES), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = library_generate(actor=None, scale=options["scale"], seed=options["seed"])
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Generated %(roads)d roads and %(addresses)d standard addresses.")
                % {"roads": outcome.roads, "addresses": outcome.addresses}
            )
        )
