"""Django's migrate, connected as the tables' owner when GRIDGOV_MIGRATE_DATABASE_URL is set.

The application's own role may not alter tables nor switch off the audit
trigger (ADR 0013), so only this command uses the owner's credentials.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS

from gridgov.audit.database import owner_connection


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if options["database"] == DEFAULT_DB_ALIAS:
            owner_connection()
        super().handle(*args, **options)
