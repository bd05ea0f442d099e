"""The rate-limit counters now belong to gridgov.public, which keeps this app's table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0002_report_secret"),
        ("public", "0001_ratewindow_from_residents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RateWindow")],
            database_operations=[],
        ),
    ]
