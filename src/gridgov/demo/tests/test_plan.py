"""The plan needs no database: determinism and shape checks run on it directly."""

import hashlib

import numpy as np
import pytest
import shapely

from gridgov.demo.plan import (
    QINHUAI,
    SCALES,
    Plan,
    Scale,
    allocate,
    community_count,
    plan_city,
)
from gridgov.jurisdiction.models import CODE_LENGTH, GridKind, LayerKind, Level
from gridgov.staffing.models import StaffKind

# One subdistrict of Qinhuai: the same code paths as "small", in a fraction of the time.
TINY = Scale("tiny", (QINHUAI,), 1, None, 1, grids_per_community=3)


def fingerprint(plan: Plan) -> list[tuple[str, str, str]]:
    return [(n.code, n.name, hashlib.sha256(bytes(n.boundary)).hexdigest()) for n in plan.nodes()]


@pytest.fixture(scope="module")
def small():
    return plan_city(SCALES["small"], 1)


def test_same_seed_same_codes_names_and_geometry():
    first, second = plan_city(TINY, 7), plan_city(TINY, 7)
    assert fingerprint(first) == fingerprint(second)
    assert [(u.code, u.name, u.geometry.wkb) for u in first.units] == [
        (u.code, u.name, u.geometry.wkb) for u in second.units
    ]
    assert [s.name for s in first.staff] == [s.name for s in second.staff]


def test_another_seed_moves_the_boundaries_but_keeps_the_official_codes():
    first, second = plan_city(TINY, 7), plan_city(TINY, 8)
    codes = [n.code for n in first.nodes() if n.level <= Level.COMMUNITY]
    assert codes == [n.code for n in second.nodes() if n.level <= Level.COMMUNITY]
    assert fingerprint(first) != fingerprint(second)


def test_small_scale_is_three_qinhuai_subdistricts_with_about_two_grids_per_community(small):
    counts = small.counts()
    assert counts["districts"] == 1
    subdistricts = [n.name for n in small.levels[Level.SUBDISTRICT]]
    assert subdistricts == ["秦虹街道", "夫子庙街道", "双塘街道"]
    assert counts["communities"] == community_count(SCALES["small"]) == 31
    assert counts["grids"] == 62
    assert "莲子营社区" in {n.name for n in small.levels[Level.COMMUNITY]}


def test_codes_extend_their_parents_codes(small):
    for node in small.nodes():
        assert len(node.code) == CODE_LENGTH[node.level]
        if node.parent is not None:
            assert node.code.startswith(node.parent.code)
            assert node.parent.level == node.level - 1


def test_children_tile_their_parents(small):
    children: dict[str, list[shapely.Geometry]] = {}
    for node in small.nodes():
        if node.parent is not None and node.level > Level.SUBDISTRICT:
            children.setdefault(node.parent.code, []).append(small.geometry[node.code])
    for parent_code, cells in children.items():
        parent = small.geometry[parent_code]
        gap = shapely.symmetric_difference(shapely.union_all(cells), parent)
        assert gap.area < 1e-9 * parent.area
        assert sum(c.area for c in cells) == pytest.approx(parent.area, rel=1e-9)


def test_subdistricts_lie_inside_the_district_without_overlapping(small):
    district = small.geometry[QINHUAI]
    subs = [small.geometry[n.code] for n in small.levels[Level.SUBDISTRICT]]
    for sub in subs:
        assert shapely.difference(sub, district).area < 1e-12
    assert shapely.union_all(subs).area == pytest.approx(sum(s.area for s in subs), rel=1e-9)


def test_grids_have_kinds_institutions_and_population(small):
    grids = small.levels[Level.GRID]
    dedicated = [g for g in grids if g.grid_kind == GridKind.DEDICATED]
    assert dedicated
    assert all(g.institution_kind and g.institution_name for g in dedicated)
    assert all(g.name.endswith("专属网格") for g in dedicated)
    comprehensive = [g for g in grids if g.grid_kind == GridKind.COMPREHENSIVE]
    assert 200 < np.median([g.population for g in comprehensive]) < 800


def test_layer_units_sit_under_the_deepest_holder(small):
    kinds = {u.kind for u in small.units}
    assert kinds == {LayerKind.POLICE_BEAT, LayerKind.SAFETY_GRID, LayerKind.COMPOUND}
    beats = [u for u in small.units if u.kind == LayerKind.POLICE_BEAT]
    assert len(beats) == pytest.approx(len(small.levels[Level.GRID]) / 4, rel=0.3)
    assert "派出所第1警格" in beats[0].name
    for unit in small.units:
        holder = small.geometry[unit.holder]
        assert shapely.intersection(unit.geometry, holder).area >= 0.99 * unit.geometry.area
        if unit.kind == LayerKind.COMPOUND:
            assert len(unit.holder) == CODE_LENGTH[Level.GRID]


def test_a_whole_district_carries_its_registered_population():
    whole = Scale("whole", (QINHUAI,), None, None, 1, grids_per_community=1)
    plan = plan_city(whole, 1)
    assert len(plan.levels[Level.SUBDISTRICT]) == 12
    assert sum(g.population or 0 for g in plan.levels[Level.GRID]) == 588_943


def test_staffing_leaves_a_few_gaps_for_the_coverage_report():
    plan = plan_city(Scale("staffed", (QINHUAI,), 1, None, 1, grids_per_community=15), 1)
    grids = plan.levels[Level.GRID]
    served: dict[str, set[str]] = {}
    for a in plan.assignments:
        served.setdefault(a.staff.kind, set()).add(a.grid.code)
    full_time_share = len(served[StaffKind.FULL_TIME]) / len(grids)
    legal_share = len(served[StaffKind.LEGAL_AFFAIRS]) / len(grids)
    assert 0.9 < full_time_share < 1
    assert 0.8 < legal_share < 0.97
    assert served[StaffKind.GRID_LEADER] == {g.code for g in grids}
    assert {StaffKind.PART_TIME, StaffKind.BUILDING_HEAD, StaffKind.VOLUNTEER} <= set(served)
    legal = [s for s in plan.staff if s.kind == StaffKind.LEGAL_AFFAIRS]
    assert all(s.profession and s.employer for s in legal)


def test_allocate_hits_the_total_and_the_minimum():
    weights = np.array([1.0, 5.0, 0.1, 3.0])
    counts = allocate(20, weights, 2)
    assert sum(counts) == 20
    assert min(counts) >= 2
    assert counts[1] == max(counts)
