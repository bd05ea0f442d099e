"""The case steps' append-only trigger (as the whistle log's), and the four rules the
platform ships, which the centre then tunes."""

from decimal import Decimal

from django.db import migrations

from gridgov.core.append_only import trigger_install, trigger_remove

RULES = [
    ("crowding", "人均居住面积过小", "crowding", {"min_area_per_person": 5, "min_people": 4, "people_without_area": 8}),
    ("turnover", "一年内租客频繁更换", "turnover", {"days": 365, "min_tenants": 6}),
    ("utility", "水电用量远超同类房屋", "utility", {"months": 3, "factor": 3, "min_peers": 5}),
    ("complaints", "噪声与环境卫生投诉", "complaints", {"days": 180, "min_complaints": 2, "categories": ["0702", "0101", "0102"]}),
]


def install(apps, schema_editor):
    trigger_install(schema_editor, apps.get_model("rentals", "CaseTransition")._meta.db_table)
    rule_model = apps.get_model("rentals", "RentalRule")
    for code, name, kind, params in RULES:
        rule_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "params": params, "max_share": Decimal("0.05")},
        )


def remove(apps, schema_editor):
    trigger_remove(schema_editor, apps.get_model("rentals", "CaseTransition")._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [("rentals", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
