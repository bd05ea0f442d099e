from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_hotline_ticket_once"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="event_created_desc",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["category", "reported_at"], name="event_cat_reported"),
        ),
    ]
