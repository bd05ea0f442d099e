"""The shipped sheet weights and staffing factors (assessment/shipped.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from gridgov.assessment.shipped import SHEET_ITEMS, STAFFING_FACTORS


def ship(apps: Any, schema_editor: Any) -> None:
    SheetItem = apps.get_model("assessment", "SheetItem")
    StaffingFactor = apps.get_model("assessment", "StaffingFactor")
    for unit_kind, items in SHEET_ITEMS.items():
        for code, weight in items:
            SheetItem.objects.get_or_create(
                unit_kind=unit_kind, code=code, defaults={"weight": weight}
            )
    for code, label, per_worker, weight in STAFFING_FACTORS:
        StaffingFactor.objects.get_or_create(
            code=code, defaults={"label": label, "per_worker": per_worker, "weight": weight}
        )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_sheets_appraisal_staffing")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
