"""Office hours' single row, and every year the chinese-calendar package knows.

Later package releases are loaded by `manage.py calendar_seed`; a year the
package does not know is entered by an administrator.
"""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from gridgov.worktime.arrangements import package_arrangements

    OfficeHours = apps.get_model("worktime", "OfficeHours")
    CalendarYear = apps.get_model("worktime", "CalendarYear")
    CalendarDay = apps.get_model("worktime", "CalendarDay")
    OfficeHours.objects.get_or_create(pk=1)
    now = timezone.now()
    for year, entries in package_arrangements().items():
        row = CalendarYear.objects.create(
            year=year, source="package", complete=True, entered_at=now
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=row, date=e.date, kind=e.kind, name=e.name) for e in entries
        )


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
