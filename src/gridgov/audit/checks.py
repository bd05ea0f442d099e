"""The deploy check that the application's database role cannot empty the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from gridgov.audit.database import audit_table_problems


@register(Tags.security, deploy=True)
def audit_role_is_append_only(
    app_configs: Sequence[AppConfig] | None = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return []
    try:
        problems = audit_table_problems(connection)
    except DatabaseError:
        return []
    return [
        Error(
            f"The application's database role can empty the audit trail: {problem}.",
            hint="Connect as an application role made by `manage.py db_grant_app_role` and "
            "migrate as the owner (GRIDGOV_MIGRATE_DATABASE_URL); see ADR 0013.",
            id="gridgov.E013",
        )
        for problem in problems
    ]
