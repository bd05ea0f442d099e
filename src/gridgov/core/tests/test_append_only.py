"""Every append-only model refuses changes in code, and on PostgreSQL its table has the trigger."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from gridgov.core.append_only import AppendOnlyError, AppendOnlyModel


def _append_only() -> list[type[AppendOnlyModel]]:
    return [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]


def test_the_audit_trail_and_both_timelines_are_append_only() -> None:
    labels = {m._meta.label for m in _append_only()}
    assert {"audit.AuditEntry", "events.EventTransition", "whistle.WhistleLog"} <= labels


@pytest.mark.parametrize("model", _append_only(), ids=lambda m: m._meta.label)
def test_code_refuses_every_change(model: type[AppendOnlyModel]) -> None:
    stored = model()
    stored.pk = 1
    with pytest.raises(AppendOnlyError, match="append-only"):
        stored.save()
    with pytest.raises(AppendOnlyError, match="append-only"):
        stored.delete()
    with pytest.raises(AppendOnlyError, match="append-only"):
        model._default_manager.none().update(pk=2)
    with pytest.raises(AppendOnlyError, match="append-only"):
        model._default_manager.none().delete()


# pg_trigger.tgtype bits: a row trigger (1), before (2), on DELETE (8) and UPDATE (16).
ROW_BEFORE_UPDATE_OR_DELETE = 1 | 2 | 8 | 16


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("model", _append_only(), ids=lambda m: m._meta.label)
def test_postgresql_refuses_update_and_delete_on_every_append_only_table(
    model: type[AppendOnlyModel],
) -> None:
    """The audit table's trigger is tried on rows in audit/tests; the others are the same."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgtype, t.tgenabled, p.prosrc FROM pg_trigger t "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = %s::regclass AND t.tgname = %s",
            [model._meta.db_table, model.trigger_name()],
        )
        [(kind, enabled, body)] = cursor.fetchall()
    assert (kind, enabled) == (ROW_BEFORE_UPDATE_OR_DELETE, "O")
    assert "append-only: % refused" in body
