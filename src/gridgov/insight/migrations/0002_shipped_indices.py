"""The three shipped indices and the department figures they read (insight/shipped.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from gridgov.insight.shipped import FIGURE_KINDS, INDICES


def ship(apps: Any, schema_editor: Any) -> None:
    FigureKind = apps.get_model("insight", "FigureKind")
    Index = apps.get_model("insight", "Index")
    IndexComponent = apps.get_model("insight", "IndexComponent")
    for kind in FIGURE_KINDS:
        FigureKind.objects.get_or_create(code=kind["code"], defaults=kind)
    for spec in INDICES:
        fields = {k: v for k, v in spec.items() if k != "components"}
        index, created = Index.objects.get_or_create(code=spec["code"], defaults=fields)
        if not created:
            continue
        for c in spec["components"]:
            IndexComponent.objects.create(
                index=index, measure=c.measure, direction=c.direction, weight=c.weight,
                normalisation=c.normalisation, low=c.low, high=c.high,
            )  # fmt: skip


def unship(apps: Any, schema_editor: Any) -> None:
    apps.get_model("insight", "Index").objects.filter(code__in=[i["code"] for i in INDICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
