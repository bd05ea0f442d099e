"""Connected as the application role, nothing can empty or rewrite the audit trail (ADR 0013).

The role is created inside the test's transaction, so it vanishes with it;
SET ROLE gives this connection exactly that role's rights.
"""

from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from gridgov.audit.actions import audit_record
from gridgov.audit.checks import audit_role_is_append_only
from gridgov.audit.models import AuditEntry
from gridgov.jurisdiction.models import Node

pytestmark = pytest.mark.postgres

ROLE = "gridgov_test_app"
TABLE = AuditEntry._meta.db_table


@pytest.fixture
def as_app_role(db: object) -> Iterator[None]:
    call_command("db_grant_app_role", ROLE)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET ROLE {ROLE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.mark.parametrize(
    "sql",
    [
        f"TRUNCATE {TABLE}",
        f"DELETE FROM {TABLE}",  # noqa: S608
        f"UPDATE {TABLE} SET action = 'test.forged'",  # noqa: S608
        f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_entry_append_only",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
        f"DROP TABLE {TABLE}",
    ],
)
def test_app_role_cannot_empty_or_rewrite_the_trail(users, as_app_role, sql):
    audit_record(actor=users["dispatcher"], action="test.kept")
    with pytest.raises(DatabaseError, match="permission denied|must be owner"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.filter(action="test.kept").exists()


def test_app_role_writes_and_reads_the_trail_and_the_rest(users, as_app_role, tree):
    entry = audit_record(actor=users["dispatcher"], action="test.as_app")
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.as_app"
    Node.objects.filter(pk=tree["320104"].pk).update(name="改名")
    assert Node.objects.get(pk=tree["320104"].pk).name == "改名"


def test_deploy_check_fails_for_the_owner_and_passes_for_the_app_role(db):
    owner_errors = audit_role_is_append_only()
    assert {e.id for e in owner_errors} == {"gridgov.E013"}
    assert any("owns audit_auditentry" in e.msg for e in owner_errors)
    assert any("may TRUNCATE" in e.msg for e in owner_errors)
    call_command("db_grant_app_role", ROLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
    try:
        assert audit_role_is_append_only() == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def test_grant_refuses_the_connected_owner(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(CommandError, match="separate application role"):
        call_command("db_grant_app_role", owner)


@pytest.mark.parametrize("command", ["migrate", "db_grant_app_role"])
def test_owner_url_must_name_the_applications_database(settings, command):
    """A test run renames the database; an owner URL for the real one must never be used then."""
    settings.MIGRATE_DATABASE_URL = "postgres://owner@127.0.0.1:5432/gridgov_production"
    with pytest.raises(ImproperlyConfigured, match="gridgov_production"):
        call_command(command, *([ROLE] if command == "db_grant_app_role" else []))
