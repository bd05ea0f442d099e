"""Tables whose rows are written once: the audit trail, an event's timeline, a whistle's log.

The model refuses a change in code (save of a stored row, delete, and the queryset's bulk
update and delete, which bypass Model.save); on PostgreSQL a trigger also refuses UPDATE and
DELETE to anyone who writes SQL directly (ADR 0013). A new append-only model derives from
AppendOnlyModel and its migration installs the trigger with `trigger_install`.

Only the demo reset removes such rows, and only a timeline's together with its events: it
lifts the trigger for its own transaction (`triggers_lifted`), which only the tables' owner
may do, never the application's role in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

FUNCTION = "gridgov_append_only"


class AppendOnlyError(ValueError):
    """Raised by any attempt to change or remove a row of an append-only table."""


def _refuse(model: type[models.Model]) -> AppendOnlyError:
    return AppendOnlyError(f"{model._meta.label} rows are append-only")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk update and delete bypass Model.save and delete, so they are refused here too."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self))

    @classmethod
    def trigger_name(cls) -> str:
        return f"{cls._meta.db_table}_append_only"


def trigger_install(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    """On PostgreSQL, refuse UPDATE and DELETE on `table` (a migration's RunPython)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    quoted = schema_editor.quote_name(table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {quoted}
            FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
        """,
        params=None,
    )


def trigger_remove(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quoted = schema_editor.quote_name(table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {quoted}")


@contextmanager
def triggers_lifted(*append_only: type[AppendOnlyModel]) -> Iterator[None]:
    """Switch the models' triggers off until the block ends, inside a transaction.

    ALTER TABLE is transactional on PostgreSQL, so a failure rolls the switch back with the
    rest; only the tables' owner may do it. Elsewhere there is no trigger to lift.
    """
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    tables = [(quote(m._meta.db_table), quote(m.trigger_name())) for m in append_only]
    _switch(tables, "DISABLE")
    yield
    _switch(tables, "ENABLE")


def _switch(tables: list[tuple[str, str]], state: str) -> None:
    """ALTER TABLE waits for no deferred foreign-key check: those pending run first."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in tables:
            cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
