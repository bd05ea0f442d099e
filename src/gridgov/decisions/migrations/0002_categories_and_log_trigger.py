"""The decision categories and the assessment each requires (the rule as data, editable in the
admin afterwards), and the append-only trigger on the decision log (ADR 0013)."""

from django.db import migrations

from gridgov.core.append_only import trigger_install, trigger_remove

# code, name, required assessment, expert review required
CATEGORIES = [
    ("construction", "重大工程项目", "third_party", True),
    ("land", "征地拆迁", "third_party", True),
    ("environment", "环境影响较大的项目", "third_party", False),
    ("policy", "涉及群众切身利益的重大政策", "self", True),
    ("reform", "重大改革事项", "self", False),
    ("facility", "社区公共设施调整", "none", False),
]


def install(apps, schema_editor):
    category_model = apps.get_model("decisions", "DecisionCategory")
    for code, name, required, experts in CATEGORIES:
        category_model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "required_assessment": required,
                "expert_review_required": experts,
            },
        )
    trigger_install(schema_editor, apps.get_model("decisions", "DecisionLog")._meta.db_table)


def remove(apps, schema_editor):
    trigger_remove(schema_editor, apps.get_model("decisions", "DecisionLog")._meta.db_table)
    apps.get_model("decisions", "DecisionCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
