import pytest
from django.db import DatabaseError, connection, transaction

from gridgov.audit.actions import audit_record
from gridgov.audit.models import AuditEntry
from gridgov.core.append_only import AppendOnlyError


@pytest.fixture
def entry(users):
    return audit_record(
        actor=users["dispatcher"], action="test.write", target=users["grid_worker"], detail={"a": 1}
    )


def test_audit_record_names_actor_and_target(entry, users):
    entry.refresh_from_db()
    assert entry.actor == users["dispatcher"]
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(users["grid_worker"].pk))
    assert entry.detail == {"a": 1}
    assert entry.at is not None


def test_audit_record_without_actor(db):
    assert audit_record(actor=None, action="test.console").actor is None


def test_entries_cannot_be_changed_or_deleted_in_code(entry):
    entry.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_in_sql(entry):
    table = AuditEntry._meta.db_table
    for sql in (
        f"UPDATE {table} SET action = 'test.forged' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (at, action, target_type, target_id, detail) "  # noqa: S608
            "VALUES (now(), 'test.raw', '', '', '{}')"
        )
    assert AuditEntry.objects.filter(action="test.raw").exists()
