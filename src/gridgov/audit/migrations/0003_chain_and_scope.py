"""Scope each entry to its actor's jurisdiction and chain the entries by hash (ADR 0013).

Entries written before this migration are placed and chained here, in id
order; on PostgreSQL the append-only trigger is switched off for that one
backfill, which only the table's owner (the migrating role) may do.
"""

import django.utils.timezone
from django.db import migrations, models

from gridgov.audit.chain import GENESIS, digest

TRIGGER = "audit_entry_append_only"
BATCH = 2000
# The entry's columns the hash covered when this migration was written.
HASHED = ("prev_hash", "at", "actor_id", "scope", "action", "target_type", "target_id", "detail")


def backfill(apps, schema_editor):
    entry_model = apps.get_model("audit", "AuditEntry")
    user_model = apps.get_model("accounts", "User")
    table = schema_editor.quote_name(entry_model._meta.db_table)
    postgres = schema_editor.connection.vendor == "postgresql"
    places = {
        pk: node_code or department_node_code or ""
        for pk, node_code, department_node_code in user_model.objects.values_list(
            "pk", "node__code", "department__node__code"
        )
    }
    if postgres:
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {TRIGGER}")
    prev_hash, batch = GENESIS, []
    for row in entry_model.objects.order_by("id").iterator(chunk_size=BATCH):
        row.scope = places.get(row.actor_id, "")
        row.prev_hash = prev_hash
        row.hash = prev_hash = digest(
            **{c: getattr(row, c) for c in HASHED}
        )
        batch.append(row)
        if len(batch) == BATCH:
            entry_model.objects.bulk_update(batch, ["scope", "prev_hash", "hash"])
            batch = []
    entry_model.objects.bulk_update(batch, ["scope", "prev_hash", "hash"])
    if postgres:
        schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {TRIGGER}")



class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
        ('accounts', '0001_initial'),
        ('jurisdiction', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, db_default='', max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, db_default='', max_length=64, verbose_name='previous hash'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='scope',
            field=models.CharField(blank=True, db_default='', db_index=True, max_length=15, verbose_name='jurisdiction'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
