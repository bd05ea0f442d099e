"""On PostgreSQL, refuse UPDATE and DELETE on the WhistleLog table at the database itself.

The model refuses them in code (gridgov.core.append_only); the trigger also stops whoever
writes SQL directly, as the audit table's does (ADR 0013).
"""

from django.db import migrations

from gridgov.core.append_only import trigger_install, trigger_remove


def install(apps, schema_editor):
    trigger_install(schema_editor, apps.get_model("whistle", "WhistleLog")._meta.db_table)


def remove(apps, schema_editor):
    trigger_remove(schema_editor, apps.get_model("whistle", "WhistleLog")._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [("whistle", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
