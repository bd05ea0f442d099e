import json
from typing import Any

import pytest

from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import InvalidInput, NotFound, PermissionDenied
from gridgov.jurisdiction.actions.boundaries import boundaries_import
from gridgov.jurisdiction.geojson_io import export_collection
from gridgov.jurisdiction.models import GridOverlap, LayerUnit, Node
from gridgov.jurisdiction.spatial import spatial_index
from gridgov.testing.users import make_user

from .helpers import collection, feature, polygon

NEW_SUBDISTRICT = feature(
    "320105003", "新街道", polygon(118.5, 31.0, 118.6, 31.2), level="subdistrict"
)
NEW_COMMUNITY = feature(
    "320105003001",
    "新社区",
    polygon(118.5, 31.0, 118.6, 31.2),
    level="community",
    parent_code="320105003",
)
NEW_GRID = feature(
    "320105003001001",
    "新网格",
    polygon(118.5, 31.0, 118.55, 31.2),
    level="grid",
    parent_code="320105003001",
    kind="dedicated",
    institution_kind="hospital",
    institution_name="鼓楼医院",
    population=300,
)
BEAT = feature("JG-9", "九号警格", polygon(118.52, 31.05, 118.58, 31.1), level="police_beat")


def test_children_before_parents_import_in_one_go(tree):
    result = boundaries_import(
        actor=None, data=json.dumps(collection(BEAT, NEW_GRID, NEW_COMMUNITY, NEW_SUBDISTRICT))
    )
    assert result.as_dict() == {"created": 4, "updated": 0, "unchanged": 0}
    grid = Node.objects.get(code="320105003001001")
    assert (grid.parent_code, grid.institution_name, grid.population) == (
        "320105003001",
        "鼓楼医院",
        300,
    )
    unit = LayerUnit.objects.get(code="JG-9")
    assert unit.node.code == "320105002001001"  # the deepest node holding it whole
    shares = dict(GridOverlap.objects.filter(unit=unit).values_list("grid__code", "unit_share"))
    assert shares == {"320105002001001": 1.0, "320105003001001": pytest.approx(0.5)}
    assert "320105003001001" in spatial_index().grids.codes
    assert AuditEntry.objects.filter(action="jurisdiction.import_geojson").count() == 1


def test_importing_twice_changes_nothing(tree):
    data = collection(NEW_SUBDISTRICT, NEW_COMMUNITY, NEW_GRID, BEAT)
    boundaries_import(actor=None, data=data)
    stamps = list(Node.objects.order_by("code").values_list("updated_at", flat=True))
    again = boundaries_import(actor=None, data=data)
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 4}
    assert list(Node.objects.order_by("code").values_list("updated_at", flat=True)) == stamps


def test_existing_codes_are_updated(tree):
    renamed = feature(
        "320104001001001", "改名网格", polygon(118.0, 31.5, 118.25, 32.0), kind="comprehensive"
    )
    result = boundaries_import(actor=None, data=collection(renamed))
    assert result.as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    assert Node.objects.get(code="320104001001001").name == "改名网格"


def test_export_reimports_unchanged(tree, users):
    boundaries_import(actor=None, data=collection(NEW_SUBDISTRICT, NEW_COMMUNITY, NEW_GRID, BEAT))
    exported = export_collection(users["analyst"])
    assert len(exported["features"]) == 22
    assert exported["features"][0]["properties"]["level"] == "city"
    units = export_collection(users["analyst"], layer_kind="police_beat")
    assert [f["properties"]["code"] for f in units["features"]] == ["JG-9"]
    both = collection(*exported["features"], *units["features"])
    assert boundaries_import(actor=None, data=json.dumps(both)).as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 23,
    }


def test_export_is_scoped(tree, users):
    codes = [
        f["properties"]["code"]
        for f in export_collection(users["dispatcher"], root_code="320104001001")["features"]
    ]
    assert codes == ["320104001001", "320104001001001", "320104001001002"]
    with pytest.raises(NotFound):
        export_collection(users["dispatcher"], root_code="320104002")
    with pytest.raises(NotFound):
        export_collection(users["dispatcher"], layer_kind="police_beat")


def errors(data: Any) -> list[tuple[int | None, str, str, str]]:
    with pytest.raises(InvalidInput) as exc:
        boundaries_import(actor=None, data=data)
    return [(p.index, p.item, p.field, p.code) for p in exc.value.problems]


def test_every_error_is_reported_and_nothing_written(tree):
    unclosed = polygon(118.5, 31.0, 118.6, 31.2)
    unclosed["coordinates"][0].pop()
    bad = collection(
        NEW_SUBDISTRICT,
        feature("32010X003001", "坏代码", polygon(118.5, 31.0, 118.6, 31.2), level="community"),
        feature("320105003002", "开口", unclosed, level="community"),
        feature("320105009001", "无父", polygon(118.5, 31.0, 118.6, 31.2), level="community"),
        feature("320105003", "重复", polygon(118.5, 31.0, 118.6, 31.2), level="subdistrict"),
        feature("320105003003", "越界", polygon(118.5, 31.0, 118.9, 31.2), level="community"),
        feature("320105003004", "远方", polygon(2.3, 48.8, 2.4, 48.9), level="community"),
        feature("320105003001009", "无类", polygon(118.5, 31.0, 118.51, 31.1), level="grid"),
        feature("JG-1", "城外警格", polygon(120.0, 31.0, 120.1, 31.1), level="police_beat"),
        feature("320105004", "错级", polygon(118.5, 31.0, 118.6, 31.2), level="town"),
        {"type": "Point"},
    )
    before = Node.objects.count()
    assert errors(bad) == [
        (1, "32010X003001", "code", "invalid_code"),
        (2, "320105003002", "geometry.coordinates[0]", "unclosed_ring"),
        (3, "320105009001", "parent_code", "unknown_parent"),
        (4, "320105003", "code", "duplicate_code"),
        (5, "320105003003", "geometry", "outside_parent"),
        (6, "320105003004", "geometry.coordinates[0][0]", "out_of_range"),
        (6, "320105003004", "geometry.coordinates[0][1]", "out_of_range"),
        (6, "320105003004", "geometry.coordinates[0][2]", "out_of_range"),
        (6, "320105003004", "geometry.coordinates[0][3]", "out_of_range"),
        (6, "320105003004", "geometry.coordinates[0][4]", "out_of_range"),
        (7, "320105003001009", "kind", "grid_kind_required"),
        (7, "320105003001009", "parent_code", "unknown_parent"),
        (8, "JG-1", "geometry", "outside_city"),
        (9, "320105004", "level", "invalid_level"),
        (10, "", "", "malformed_feature"),
    ]
    assert Node.objects.count() == before
    assert not LayerUnit.objects.exists()


def test_wrong_level_order(tree):
    community = feature(
        "320105003001", "社区", polygon(118.5, 31.0, 118.6, 31.2), level="community"
    )
    district = feature("320105003", "区", polygon(118.5, 31.0, 118.6, 31.2), level="district")
    assert errors(collection(community, district)) == [
        (0, "320105003001", "level", "wrong_level_order"),
        (1, "320105003", "code", "invalid_code"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",
        b"\xff\xfe",
        "[]",
        json.dumps({"type": "Feature"}),
        json.dumps({"type": "FeatureCollection", "features": {}}),
    ],
)
def test_malformed_geojson(tree, data):
    with pytest.raises(InvalidInput) as exc:
        boundaries_import(actor=None, data=data)
    assert exc.value.code == "malformed_geojson"


def test_importer_is_held_to_their_jurisdiction(tree):
    district_admin = make_user("sa-qh", Role.SYSTEM_ADMIN, node=tree["320104"])
    with pytest.raises(InvalidInput) as exc:
        boundaries_import(actor=district_admin, data=collection(NEW_SUBDISTRICT))
    assert [p.code for p in exc.value.problems] == ["outside_jurisdiction"]


def test_importer_needs_the_right_to_manage_boundaries(tree, users):
    with pytest.raises(PermissionDenied):
        boundaries_import(actor=users["commander"], data=collection(NEW_SUBDISTRICT))


def test_redrawing_a_parent_may_not_strand_stored_children(tree):
    shrunk = feature(
        "320104001001", "一社区", polygon(118.0, 31.5, 118.25, 32.0), level="community"
    )
    assert errors(collection(shrunk)) == [(0, "320104001001", "geometry", "child_outside")]
    moved_child = feature(
        "320104001001002",
        "第2网格",
        polygon(118.0, 31.5, 118.25, 31.6),
        kind="comprehensive",
    )
    result = boundaries_import(actor=None, data=collection(moved_child, shrunk))
    assert result.as_dict() == {"created": 0, "updated": 2, "unchanged": 0}
