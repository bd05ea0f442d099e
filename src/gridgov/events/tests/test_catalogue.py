"""Loading the catalogue: idempotent, every problem reported at once, nothing half-written."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from gridgov.accounts.models import User
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.departments.models import Department
from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.catalogue import check_extra
from gridgov.events.models import Category
from gridgov.events.selectors import category_tree
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import Tree

pytestmark = pytest.mark.django_db


def test_the_default_catalogue_loads_and_a_second_load_changes_nothing() -> None:
    first = catalogue_load(actor=None, data=default_catalogue())
    assert first.updated == first.unchanged == first.deactivated == []
    assert {"0401", "0402", "1001"} <= set(first.created)
    assert Category.objects.get(code="0401").name == "飞线充电"
    assert Category.objects.get(code="0402").name == "消防通道堵塞"
    assert {c.code for c in Category.objects.filter(parent__isnull=True)} >= {
        f"{n:02d}" for n in range(1, 11)
    }
    rows = list(Category.objects.order_by("code").values())
    second = catalogue_load(actor=None, data=default_catalogue())
    assert second.created == second.updated == second.deactivated == []
    assert sorted(second.unchanged) == sorted(first.created)
    assert list(Category.objects.order_by("code").values()) == rows


def test_urgent_categories_count_natural_minutes() -> None:
    catalogue_load(actor=None, data=default_catalogue())
    urgent = Category.objects.filter(severity="urgent")
    assert urgent.exists()
    assert all(c.natural_time for c in urgent)


def test_changes_update_and_left_out_categories_are_deactivated() -> None:
    data = default_catalogue()
    catalogue_load(actor=None, data=data)
    changed = copy.deepcopy(data)
    fire = next(c for c in changed["classes"] if c["code"] == "04")
    fire["subclasses"][0]["name"] = "电动车飞线充电"
    fire["subclasses"] = fire["subclasses"][:2]
    result = catalogue_load(actor=None, data=changed)
    assert result.updated == ["0401"]
    assert result.deactivated == ["0403", "0404", "0405"]
    assert not Category.objects.get(code="0403").active
    fire_now = next(c for c in category_tree() if c.code == "04")
    assert [s.code for s in fire_now.subclasses] == ["0401", "0402"]
    again = catalogue_load(actor=None, data=data)
    assert set(again.updated) == {"0401", "0403", "0404", "0405"}
    assert Category.objects.get(code="0403").active


def test_a_department_code_resolves_to_the_department(tree: Tree) -> None:
    brigade = Department.objects.create(code="fire", name="消防救援支队", node=tree["3201"])
    result = catalogue_load(actor=None, data=default_catalogue())
    assert Category.objects.get(code="0401").department == brigade
    assert Category.objects.get(code="0101").department is None
    assert "urban" in result.unresolved_departments
    assert "fire" not in result.unresolved_departments


def test_only_a_system_administrator_may_load(users: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        catalogue_load(actor=users["commander"], data=default_catalogue())
    catalogue_load(actor=users["system_admin"], data=default_catalogue())


def _sub(data: dict[str, Any], code: str) -> dict[str, Any]:
    sub: dict[str, Any] = next(
        s for c in data["classes"] for s in c["subclasses"] if s["code"] == code
    )
    return sub


BROKEN: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "bad_class_code": (lambda d: d["classes"][0].update(code="1"), "bad_code"),
    "subclass_outside_class": (lambda d: _sub(d, "0101").update(code="0201"), "duplicate_code"),
    "subclass_code": (lambda d: _sub(d, "0101").update(code="9901"), "bad_code"),
    "no_name": (lambda d: _sub(d, "0101").update(name=" "), "no_name"),
    "severity": (lambda d: _sub(d, "0101").update(severity="extreme"), "bad_severity"),
    "limit": (lambda d: _sub(d, "0101")["limits"].update(handle=0), "bad_limit"),
    "limit_missing": (lambda d: _sub(d, "0101")["limits"].pop("verify"), "bad_limit"),
    "urgent_in_office_hours": (lambda d: _sub(d, "0501").update(natural=False), "bad_natural"),
    "field_type": (lambda d: _sub(d, "0401")["fields"][0].update(type="video"), "bad_field_type"),
    "choice_without_choices": (
        lambda d: _sub(d, "0801")["fields"][0].pop("choices"),
        "bad_field_choices",
    ),
    "choices_on_text": (
        lambda d: _sub(d, "0401")["fields"][0].update(choices=["a"]),
        "bad_field_choices",
    ),
    "field_code_twice": (
        lambda d: _sub(d, "0401")["fields"][1].update(code="building"),
        "bad_field_code",
    ),
    "no_subclasses": (lambda d: d["classes"][0].update(subclasses=[]), "no_subclasses"),
    "no_classes": (lambda d: d.update(classes=[]), "no_classes"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_bad_catalogue_is_refused_whole(case: str) -> None:
    data = default_catalogue()
    breaks, code = BROKEN[case]
    breaks(data)
    with pytest.raises(InvalidInput) as refused:
        catalogue_load(actor=None, data=data)
    assert code in [p.code for p in refused.value.problems]
    assert not Category.objects.exists()


def test_every_problem_is_reported_at_once() -> None:
    data = default_catalogue()
    _sub(data, "0101").update(severity="extreme")
    _sub(data, "0202")["limits"]["handle"] = -5
    with pytest.raises(InvalidInput) as refused:
        catalogue_load(actor=None, data=data)
    assert {(p.item, p.code) for p in refused.value.problems} == {
        ("0101", "bad_severity"),
        ("0202", "bad_limit"),
    }


def test_the_command_loads_a_file_and_reports_problems(tmp_path: Path) -> None:
    good = tmp_path / "catalogue.json"
    good.write_text(json.dumps(default_catalogue(), ensure_ascii=False), encoding="utf-8")
    call_command("catalogue_load", str(good))
    count = Category.objects.count()
    call_command("catalogue_load")
    assert Category.objects.count() == count
    broken = default_catalogue()
    _sub(broken, "0101")["severity"] = "extreme"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CommandError, match="0101 severity"):
        call_command("catalogue_load", str(bad))
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("catalogue_load", str(tmp_path / "junk.json"))


def test_the_admin_form_checks_the_field_schema_too() -> None:
    category = Category(
        code="0101",
        name="暴露垃圾",
        severity="urgent",
        extra_fields=[{"code": "x", "label": "X", "type": "video"}],
    )
    with pytest.raises(ValidationError) as refused:
        category.full_clean()
    assert set(refused.value.message_dict) == {"extra_fields", "natural_time"}


SCHEMA: list[dict[str, Any]] = [
    {"code": "building", "label": "楼栋", "type": "text", "required": True},
    {"code": "people", "label": "人数", "type": "number"},
    {"code": "kind", "label": "类型", "type": "choice", "choices": ["a", "b"]},
    {"code": "day", "label": "日期", "type": "date"},
]


@pytest.mark.parametrize(
    ("extra", "problems"),
    [
        ({"building": "3栋", "people": 3, "kind": "a", "day": "2026-03-01"}, set()),
        ({}, {("extra.building", "required")}),
        ({"building": "3栋", "colour": "red"}, {("extra.colour", "unknown_field")}),
        ({"building": "3栋", "people": "three"}, {("extra.people", "bad_value")}),
        ({"building": "3栋", "people": True}, {("extra.people", "bad_value")}),
        ({"building": "3栋", "kind": "c"}, {("extra.kind", "bad_value")}),
        ({"building": "3栋", "day": "2026-02-30"}, {("extra.day", "bad_value")}),
    ],
)
def test_extra_values_are_checked_against_the_schema(
    extra: dict[str, Any], problems: set[tuple[str, str]]
) -> None:
    found = check_extra(SCHEMA, extra).problems
    assert {(p.field, p.code) for p in found} == problems
