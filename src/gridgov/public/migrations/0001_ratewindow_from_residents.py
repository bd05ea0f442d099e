"""The rate-limit counters move from the residents' app to the public side's, table and all:
only Django's idea of which app owns the model changes, not the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("residents", "0002_report_secret")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateWindow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("bucket", models.CharField(max_length=100, verbose_name="bucket")),
                        ("window", models.DateTimeField(verbose_name="window start")),
                        ("count", models.PositiveIntegerField(default=0, verbose_name="count")),
                    ],
                    options={
                        "verbose_name": "rate window",
                        "verbose_name_plural": "rate windows",
                        "db_table": "residents_ratewindow",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("bucket", "window"), name="rate_window_once"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
