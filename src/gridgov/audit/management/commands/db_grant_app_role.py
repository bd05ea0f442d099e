"""Create and grant the application's PostgreSQL role; run as the owner after each migrate.

See the README's production section and ADR 0013: the application
connects as this role, which may insert into and read the audit trail
and nothing more there, while migrations run as the owner.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gridgov.audit.database import app_role_grant, owner_connection


class Command(BaseCommand):
    help = "Create (if missing) and grant the application role: INSERT and SELECT only on audit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application role's name, e.g. gridgov_app")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = owner_connection()
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        try:
            with transaction.atomic(using=connection.alias):
                created = app_role_grant(connection, options["role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Role {options['role']} {'created and ' if created else ''}granted; "
            "set its password with ALTER ROLE … PASSWORD."
        )
