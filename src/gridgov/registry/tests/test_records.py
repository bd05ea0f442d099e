"""The record specs are the one list of each kind's fields; what derives from them matches."""

from __future__ import annotations

from gridgov.exchange.columns import COLUMNS, choice, example_row, headers
from gridgov.registry.actions.bulk import shape
from gridgov.registry.records import SPECS, RecordKind
from gridgov.verification.fields import FIELDS
from gridgov.verification.models import RecordKind as TaskRecordKind


def test_every_kind_a_task_names_has_a_spec() -> None:
    assert TaskRecordKind is RecordKind
    assert set(SPECS) == set(RecordKind.values)


def test_import_columns_come_from_the_specs() -> None:
    assert headers("people") == [
        "姓名",
        "身份证号",
        "出生日期",
        "性别",
        "手机号",
        "人员类别",
        "地址",
        "迁入日期",
    ]
    assert headers("homes") == ["地址", "建筑面积", "用途", "居住状态"]
    assert headers("organisations") == [
        "单位名称",
        "统一社会信用代码",
        "单位类别",
        "地址",
        "从业人数",
    ]
    assert {c.field for c in COLUMNS["people"] if c.personal} == {"id_number", "phone"}
    assert [c.field for c in COLUMNS["homes"] if c.required] == ["address"]
    assert choice("people", "kind", "流动人口") == "floating"
    assert choice("people", "kind", "floating") == "floating"
    assert choice("homes", "tenure", "租住") is None
    for kind in ("people", "homes", "organisations"):
        assert len(example_row(kind)) == len(headers(kind))
        assert all(example_row(kind))


def test_verification_fields_are_the_proposable_ones() -> None:
    assert list(FIELDS["person"]) == [
        "name",
        "phone",
        "kind",
        "moved_in",
        "moved_out",
        "address_code",
    ]
    assert list(FIELDS["home"]) == ["floor_area", "use", "tenure", "address_code"]
    assert list(FIELDS["organisation"]) == [
        "name",
        "kind",
        "address",
        "staff_count",
        "small_venue",
        "address_code",
    ]
    assert [n for n, f in FIELDS["person"].items() if f.personal] == ["phone"]


def test_the_bulk_upsert_writes_each_imported_field_and_seals_the_personal_ones() -> None:
    people = shape("person")
    assert people.key == ("id_number_index",)
    assert people.insert_only == ("id_number_encrypted",)
    assert set(people.compared) == {
        "name",
        "id_number_masked",
        "birth_date",
        "sex",
        "kind",
        "moved_in",
        "phone_index",
        "phone_masked",
        "phone_encrypted",
        "grid_id",
        "community_id",
        "address_code",
    }
    assert "phone_encrypted" not in people.differing
    assert people.proposed == ("name", "phone", "kind", "moved_in", "address_code")
    homes = shape("home")
    assert homes.key == ("grid_id", "address")
    assert set(homes.compared) == {"floor_area", "use", "tenure", "community_id", "address_code"}
    assert homes.proposed == ("floor_area", "use", "tenure", "address_code")
    orgs = shape("organisation")
    assert orgs.key == ("credit_code",)
    assert set(orgs.compared) == {
        "name",
        "kind",
        "address",
        "staff_count",
        "grid_id",
        "community_id",
        "address_code",
    }
    assert orgs.proposed == ("name", "kind", "address", "staff_count", "address_code")
    assert dict(orgs.constants) == {"small_venue": False}
