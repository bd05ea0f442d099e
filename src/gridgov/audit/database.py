"""PostgreSQL roles: the owner migrates, the application role may only add to the audit trail.

The append-only trigger stops UPDATE and DELETE, but a table's owner may
TRUNCATE it or switch the trigger off. So the application connects as a
role that owns nothing and holds INSERT and SELECT on the audit table
(ADR 0013); these functions grant that role and tell whether the current
connection is such a role.
"""

from __future__ import annotations

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from gridgov.audit.models import AuditEntry, AuditLink

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE, SELECT, UPDATE"
AUDIT_RIGHTS = "SELECT, INSERT"
REFUSED_ON_AUDIT = ("TRUNCATE", "UPDATE", "DELETE")
# The trail and its chain (ADR 0034): the application role may only add to either.
AUDIT_TABLES = (AuditEntry._meta.db_table, AuditLink._meta.db_table)


def owner_connection() -> BaseDatabaseWrapper:
    """The default connection, switched to the owner's credentials when MIGRATE_DATABASE_URL is set.

    For the commands that change the schema or grants (migrate,
    db_grant_app_role); the owner's URL must name the same database, so a
    test run (which renames it) can never be pointed at the real one.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if not settings.MIGRATE_DATABASE_URL:
        return connection
    owner = dj_database_url.parse(settings.MIGRATE_DATABASE_URL)
    if owner["NAME"] != connection.settings_dict["NAME"]:
        raise ImproperlyConfigured(
            "GRIDGOV_MIGRATE_DATABASE_URL names database "
            f"{owner['NAME']!r}, the application uses {connection.settings_dict['NAME']!r}"
        )
    connection.close()
    connection.settings_dict.update(
        {key: owner[key] for key in ("USER", "PASSWORD", "HOST", "PORT") if key in owner}
    )
    return connection


def app_role_grant(connection: BaseDatabaseWrapper, role: str) -> bool:
    """Create the role if missing (LOGIN, no password) and grant it; True when it was created.

    Run as the owner, after migrate: the default privileges then extend the
    same rights to the tables later migrations create.
    """
    quote = connection.ops.quote_name
    who = quote(role)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, current_database(), current_schema(), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = %s)",
            [role],
        )
        owner, database, schema, superuser = cursor.fetchone()
        if role == owner:
            raise ValueError(f"{role} is the role running this; name a separate application role")
        if superuser:
            raise ValueError(f"{role} is a superuser; a superuser may do anything to the trail")
        created = superuser is None
        if created:
            cursor.execute(f"CREATE ROLE {who} LOGIN")
        where = quote(schema)
        for statement in (
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {who}",
            f"GRANT USAGE ON SCHEMA {where} TO {who}",
            f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {where} TO {who}",
            f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT {TABLE_RIGHTS} ON TABLES TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} "
            f"GRANT {SEQUENCE_RIGHTS} ON SEQUENCES TO {who}",
            *(f"REVOKE ALL ON {quote(t)} FROM {who}" for t in AUDIT_TABLES),
            *(f"GRANT {AUDIT_RIGHTS} ON {quote(t)} TO {who}" for t in AUDIT_TABLES),
        ):
            cursor.execute(statement)
    return created


def audit_table_problems(connection: BaseDatabaseWrapper) -> list[str]:
    """What the connected role could do to empty or rewrite the audit trail or its chain."""
    problems = []
    for table in AUDIT_TABLES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, pg_has_role(current_user, c.relowner, 'MEMBER'), "
                "has_table_privilege(c.oid, %s), has_table_privilege(c.oid, %s), "
                "has_table_privilege(c.oid, %s) FROM pg_class c WHERE c.oid = to_regclass(%s)",
                [*REFUSED_ON_AUDIT, table],
            )
            row = cursor.fetchone()
        if row is None:
            continue
        user, owns, *rights = row
        if owns:
            problems.append(f"{user} owns {table} (or acts as its owner)")
        problems += [
            f"{user} may {right} {table}"
            for right, held in zip(REFUSED_ON_AUDIT, rights, strict=True)
            if held
        ]
    return problems
