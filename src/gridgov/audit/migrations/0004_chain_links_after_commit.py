"""The hash chain moves into links a chainer writes after each entry commits (ADR 0034).

The links of the entries chained so far carry over their hashes unchanged (the hash covers
the same content), in id order, the order they were chained in; an entry without a hash
(one written by SQL outside the application) is left for the chainer. The new table is
append-only like the trail.
"""

import django.db.models.deletion
from django.db import migrations, models

from gridgov.core.append_only import trigger_install, trigger_remove

LINKS = "audit_auditlink"


def carry_over(apps, schema_editor):
    entries = schema_editor.quote_name(apps.get_model("audit", "AuditEntry")._meta.db_table)
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        # The links' foreign keys checked now: the trigger and column changes below refuse
        # to run over pending checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(
        f"INSERT INTO {LINKS} (entry_id, prev_hash, hash) "  # noqa: S608
        f"SELECT id, prev_hash, hash FROM {entries} WHERE hash <> '' ORDER BY id"
    )
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
    trigger_install(schema_editor, LINKS)


def uninstall(apps, schema_editor):
    trigger_remove(schema_editor, LINKS)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_chain_and_scope'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prev_hash', models.CharField(max_length=64, unique=True, verbose_name='previous hash')),
                ('hash', models.CharField(max_length=64, verbose_name='hash')),
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='link', to='audit.auditentry', verbose_name='audit entry')),
            ],
            options={
                'verbose_name': 'audit chain link',
                'verbose_name_plural': 'audit chain links',
                'ordering': ['id'],
            },
        ),
        migrations.RunPython(carry_over, uninstall),
        migrations.RemoveField(
            model_name='auditentry',
            name='hash',
        ),
        migrations.RemoveField(
            model_name='auditentry',
            name='prev_hash',
        ),
    ]
