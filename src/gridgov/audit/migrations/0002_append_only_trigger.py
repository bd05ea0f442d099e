"""On PostgreSQL, refuse UPDATE and DELETE on the audit table at the database itself.

The model already refuses them in code; the trigger also stops a script,
a console session or a compromised account that writes SQL directly.
TRUNCATE (used by test flushes) fires no row trigger. SQLite has no such
protection; production runs on PostgreSQL.
"""

from django.db import migrations

FUNCTION = "audit_entry_append_only"


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEntry")._meta.db_table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        CREATE TRIGGER {FUNCTION} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
        """,
        params=None,
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEntry")._meta.db_table)
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}; DROP FUNCTION IF EXISTS {FUNCTION}();"
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
