from typing import Any

import pytest
import shapely

from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import InvalidInput, NotFound, PermissionDenied
from gridgov.jurisdiction import actions
from gridgov.jurisdiction.models import (
    BoundaryVersion,
    GridOverlap,
    LayerKind,
    LayerUnit,
    Level,
    Node,
)
from gridgov.jurisdiction.spatial import locate
from gridgov.testing.users import make_user

from .helpers import polygon

COMMUNITY = "320104001001"  # lon 118.0–118.5, lat 31.5–32.0


def create(actor: Any = None, **over: Any) -> Node:
    fields: dict[str, Any] = {
        "code": "320104001001003",
        "name": "第3网格",
        "level": Level.GRID,
        "parent_code": COMMUNITY,
        "boundary": polygon(118.0, 31.5, 118.1, 31.6),
        "grid_kind": "comprehensive",
    } | over
    return actions.node_create(actor=actor, **fields)


def problems(exc: Any) -> set[tuple[str, str]]:
    return {(p.code, p.field) for p in exc.value.problems}


def version() -> int:
    row = BoundaryVersion.objects.filter(pk=1).first()
    return row.version if row else 0


def test_node_create_writes_audits_and_bumps_the_version(tree, users):
    before = version()
    node = create(actor=users["system_admin"], population=1200)
    assert node.parent == tree[COMMUNITY]
    assert shapely.equals(node.geometry, shapely.box(118.0, 31.5, 118.1, 31.6))
    assert version() != before
    entry = AuditEntry.objects.get(action="jurisdiction.node_create")
    assert entry.actor == users["system_admin"]
    assert entry.target_id == str(node.pk)
    assert locate(118.05, 31.55).node_codes[-1] in {"320104001001001", node.code}


def test_parent_code_defaults_to_the_code_prefix(tree):
    assert create(parent_code="").parent == tree[COMMUNITY]


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"code": "32010400100A003"}, {("invalid_code", "code")}),
        ({"code": "3201040010010031"}, {("invalid_code", "code")}),
        (
            {"code": "320104001009003", "parent_code": "320104001009"},
            {("unknown_parent", "parent_code")},
        ),
        ({"parent_code": "320104001002"}, {("code_not_under_parent", "parent_code")}),
        ({"code": "320104001001001"}, {("duplicate_code", "code")}),
        ({"name": " "}, {("required", "name")}),
        ({"grid_kind": ""}, {("grid_kind_required", "kind")}),
        (
            {"grid_kind": "dedicated"},
            {
                ("institution_kind_required", "institution_kind"),
                ("institution_name_required", "institution_name"),
            },
        ),
        ({"boundary": polygon(118.4, 31.5, 118.7, 31.6)}, {("outside_parent", "geometry")}),
        ({"population": -5}, {("invalid_population", "population")}),
        ({"level": 9}, {("invalid_level", "level")}),
    ],
)
def test_node_create_refuses_bad_input_and_writes_nothing(tree, over, expected):
    count = Node.objects.count()
    with pytest.raises(InvalidInput) as exc:
        create(**over)
    assert problems(exc) == expected
    assert all(p.item == over.get("code", "320104001001003") for p in exc.value.problems)
    assert Node.objects.count() == count
    assert not AuditEntry.objects.filter(action="jurisdiction.node_create").exists()


def test_unclosed_boundary_is_named(tree):
    ring = polygon(118.0, 31.5, 118.1, 31.6)["coordinates"][0][:-1]
    with pytest.raises(InvalidInput) as exc:
        create(boundary={"type": "Polygon", "coordinates": [ring]})
    [problem] = exc.value.problems
    assert (problem.code, problem.field, problem.item) == (
        "unclosed_ring",
        "geometry.coordinates[0]",
        "320104001001003",
    )


def test_a_sliver_outside_the_parent_is_tolerated(tree):
    # 0.5 % of the grid pokes west of the city edge at lon 118.0.
    create(boundary=polygon(117.9995, 31.5, 118.0995, 31.6))


def test_dedicated_grid_with_its_institution(tree):
    node = create(grid_kind="dedicated", institution_kind="school", institution_name="夫子庙小学")
    assert (node.grid_kind, node.institution_name) == ("dedicated", "夫子庙小学")


def test_non_grid_has_no_grid_kind(tree):
    with pytest.raises(InvalidInput) as exc:
        create(code="320104001002", level=Level.COMMUNITY, parent_code="320104001")
    assert problems(exc) == {("grid_kind_not_allowed", "kind")}


def test_actor_cannot_write_outside_their_jurisdiction(tree):
    district_admin = make_user("sa-jy", Role.SYSTEM_ADMIN, node=tree["320105"])
    with pytest.raises(InvalidInput) as exc:
        create(actor=district_admin, code="320104001001003")
    assert problems(exc) == {("outside_jurisdiction", "code")}


def test_only_boundary_managers_write(tree, users):
    with pytest.raises(PermissionDenied):
        create(actor=users["commander"])
    with pytest.raises(PermissionDenied):
        actions.node_update(actor=users["dispatcher"], node=tree[COMMUNITY], name="x")
    with pytest.raises(PermissionDenied):
        actions.layer_unit_upsert(
            actor=users["analyst"],
            layer_kind="police_beat",
            code="J",
            name="j",
            boundary=polygon(118.0, 31.5, 118.1, 31.6),
        )


def test_actor_without_jurisdiction_is_refused(tree, users):
    users["system_admin"].node = None
    with pytest.raises(NotFound):
        create(actor=users["system_admin"])


def test_node_update_renames_and_moves(tree, users):
    grid = tree["320104001001001"]
    before = version()
    actions.node_update(actor=users["system_admin"], node=grid, name="新名字", population=5)
    grid.refresh_from_db()
    assert (grid.name, grid.population) == ("新名字", 5)
    assert version() == before
    actions.node_update(
        actor=users["system_admin"], node=grid, boundary=polygon(118.0, 31.5, 118.2, 32.0)
    )
    assert version() != before
    assert locate(118.22, 31.7).grid_code is None
    details = AuditEntry.objects.filter(action="jurisdiction.node_update").values_list(
        "detail", flat=True
    )
    assert sorted(d["fields"] for d in details) == [["boundary"], ["name", "population"]]


def test_node_update_without_change_writes_no_audit(tree):
    actions.node_update(actor=None, node=tree["320104001001001"], name=tree["320104001001001"].name)
    assert not AuditEntry.objects.filter(action="jurisdiction.node_update").exists()


def test_shrinking_a_parent_may_not_strand_its_children(tree):
    community = tree[COMMUNITY]
    with pytest.raises(InvalidInput) as exc:
        actions.node_update(actor=None, node=community, boundary=polygon(118.0, 31.5, 118.25, 32.0))
    [problem] = exc.value.problems
    assert problem.code == "child_outside"
    assert "320104001001002" in str(problem.message)
    community.refresh_from_db()
    assert shapely.equals(community.geometry, shapely.box(118.0, 31.5, 118.5, 32.0))


def test_layer_unit_is_filed_under_the_deepest_holding_node(tree):
    unit, created = actions.layer_unit_upsert(
        actor=None,
        layer_kind=LayerKind.POLICE_BEAT,
        code="JG01",
        name="一号警格",
        boundary=polygon(118.1, 31.6, 118.4, 31.9),
    )
    assert created
    assert unit.node.code == COMMUNITY
    overlaps = {o.grid.code: o for o in GridOverlap.objects.filter(unit=unit)}
    assert set(overlaps) == {"320104001001001", "320104001001002"}
    west = overlaps["320104001001001"]
    assert west.grid_share == pytest.approx(0.15 * 0.3 / (0.25 * 0.5))
    assert west.unit_share == pytest.approx(0.5)
    unit, created = actions.layer_unit_upsert(
        actor=None,
        layer_kind=LayerKind.POLICE_BEAT,
        code="JG01",
        name="一号警格",
        boundary=polygon(118.1, 31.6, 118.2, 31.9),
    )
    assert not created
    assert unit.node.code == "320104001001001"
    assert GridOverlap.objects.filter(unit=unit).count() == 1


def test_unit_across_two_districts_belongs_to_the_city(tree):
    unit, _ = actions.layer_unit_upsert(
        actor=None,
        layer_kind=LayerKind.SAFETY_GRID,
        code="AQ1",
        name="安全网格",
        boundary=polygon(118.4, 31.2, 118.6, 31.4),
    )
    assert unit.node.code == "3201"


def test_unit_outside_the_city_is_refused(tree):
    with pytest.raises(InvalidInput) as exc:
        actions.layer_unit_upsert(
            actor=None,
            layer_kind="nope",
            code="X",
            name="外面",
            boundary=polygon(119.5, 31.2, 119.6, 31.4),
        )
    assert problems(exc) == {("outside_city", "geometry"), ("invalid_layer", "level")}
    assert not LayerUnit.objects.exists()


def test_overlaps_recompute_by_layer(tree):
    for kind, box in (
        (LayerKind.POLICE_BEAT, (118.0, 31.0, 119.0, 32.0)),
        (LayerKind.COMPOUND, (118.01, 31.51, 118.02, 31.52)),
    ):
        actions.layer_unit_upsert(
            actor=None, layer_kind=kind, code="U", name="u", boundary=polygon(*box)
        )
    assert GridOverlap.objects.filter(unit__layer__kind=LayerKind.POLICE_BEAT).count() == 8
    [compound] = GridOverlap.objects.filter(unit__layer__kind=LayerKind.COMPOUND)
    assert compound.unit_share == pytest.approx(1.0)
    GridOverlap.objects.all().delete()
    assert actions.overlaps_recompute(layer_kinds=[LayerKind.COMPOUND]) == 1
    assert actions.overlaps_recompute() == 9


def test_overlaps_recompute_drops_slivers(tree):
    actions.layer_unit_upsert(
        actor=None,
        layer_kind=LayerKind.POLICE_BEAT,
        code="E",
        name="edge",
        # 0.05 % of the unit crosses into the eastern grid.
        boundary=polygon(118.0, 31.5, 118.2501, 31.55),
    )
    assert list(GridOverlap.objects.values_list("grid__code", flat=True)) == ["320104001001001"]


def test_overlaps_recompute_scales(db):
    """12,500 grids × 30,000 units in well under a minute (here a quarter of that)."""
    import time

    import numpy as np

    rng = np.random.default_rng(3)
    frame = shapely.box(118.0, 31.0, 119.0, 32.0)

    def cells(n: int) -> Any:
        seeds = shapely.multipoints(
            shapely.points(rng.uniform(118, 119, n), rng.uniform(31, 32, n))
        )
        return shapely.intersection(
            shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame
        )

    grids, units = cells(3000), cells(7500)
    city = Node.objects.create(code="3201", name="c", level=1, boundary=shapely.to_wkb(frame))
    Node.objects.bulk_create(
        Node(
            code=f"3201{i:011d}",
            name="g",
            level=5,
            parent=city,
            grid_kind="comprehensive",
            boundary=shapely.to_wkb(g),
        )
        for i, g in enumerate(grids)
    )
    layer = actions.layer_for(LayerKind.COMPOUND)
    LayerUnit.objects.bulk_create(
        LayerUnit(layer=layer, code=str(i), name="u", node=city, boundary=shapely.to_wkb(g))
        for i, g in enumerate(units)
    )
    started = time.perf_counter()
    rows = actions.overlaps_recompute()
    assert time.perf_counter() - started < 15
    assert rows > len(units)
    total = GridOverlap.objects.filter(unit__code="0").values_list("unit_share", flat=True)
    assert sum(total) == pytest.approx(1.0, abs=0.002)
