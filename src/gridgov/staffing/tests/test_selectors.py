from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.accounts.models import User
from gridgov.core.errors import NotFound
from gridgov.jurisdiction.models import Node
from gridgov.staffing import actions, selectors
from gridgov.staffing.models import GroupRole, LegalProfession, StaffKind, StaffMember
from gridgov.testing.tree import Tree

COMMUNITY = "320104001001"
GRID_1 = "320104001001001"
GRID_2 = "320104001001002"
SIBLING_GRID_1 = "320104002001001"
SIBLING_GRID_2 = "320104002001002"


def hire(
    users: dict[str, User],
    tree: Tree,
    name: str,
    kind: str,
    home: str,
    grids: list[str],
    profession: str = "",
) -> StaffMember:
    return actions.staff_create(
        actor=users["system_admin"],
        name=name,
        kind=kind,
        home_node=tree[home],
        grids=[tree[code] for code in grids],
        profession=profession,
    )


@pytest.fixture
def staffed(tree, users):
    """Grid 1 fully covered; grid 2 lacks a legal-affairs worker; the sibling has gaps too."""
    police = LegalProfession.POLICE
    people = {
        "a": hire(users, tree, "甲", StaffKind.FULL_TIME, COMMUNITY, [GRID_1, GRID_2]),
        "b": hire(users, tree, "乙", StaffKind.LEGAL_AFFAIRS, "320104", [GRID_1], police),
        "c": hire(users, tree, "丙", StaffKind.PART_TIME, COMMUNITY, [GRID_2]),
        "l": hire(users, tree, "丁", StaffKind.GRID_LEADER, COMMUNITY, [GRID_1]),
        "d": hire(
            users, tree, "戊", StaffKind.LEGAL_AFFAIRS, "320104002", [SIBLING_GRID_1], police
        ),
        "e": hire(users, tree, "己", StaffKind.VOLUNTEER, "320104002001", [SIBLING_GRID_1]),
        "f": hire(users, tree, "庚", StaffKind.FULL_TIME, "320104002001", [SIBLING_GRID_1]),
        "office": hire(users, tree, "辛", StaffKind.FULL_TIME, "320104002001", []),
    }
    actions.staff_deactivate(actor=users["system_admin"], staff=people["f"])
    return people


def names(rows: Iterable[StaffMember]) -> set[str]:
    return {s.name for s in rows}


def test_staff_visible_by_scope(staffed, users):
    assert names(selectors.staff_visible(users["community_staff"])) == {"甲", "乙", "丙", "丁"}
    assert names(selectors.staff_visible(users["sibling_dispatcher"])) == {"戊", "己", "庚", "辛"}
    assert len(selectors.staff_visible(users["commander"])) == 8
    assert names(selectors.staff_visible(users["sibling_commander"])) == set()


def test_staff_visible_narrowed_by_node_and_kind(staffed, tree, users):
    commander = users["commander"]
    assert names(selectors.staff_visible(commander, node=tree[GRID_2])) == {"甲", "丙"}
    assert names(selectors.staff_visible(commander, kind=StaffKind.LEGAL_AFFAIRS)) == {"乙", "戊"}
    with pytest.raises(NotFound):
        selectors.staff_visible(users["sibling_dispatcher"], node=tree[GRID_2])


def test_lent_staff_show_only_the_grids_in_scope(staffed, tree, users):
    actions.staff_assign(actor=users["commander"], staff=staffed["a"], grid=tree[SIBLING_GRID_2])
    sibling_view = selectors.staff_get(users["sibling_dispatcher"], staffed["a"].pk)
    assert [a.grid.code for a in sibling_view.assignments.all()] == [SIBLING_GRID_2]
    own_view = selectors.staff_get(users["dispatcher"], staffed["a"].pk)
    assert [a.grid.code for a in own_view.assignments.all()] == [GRID_1, GRID_2]


def test_staff_get_outside_scope(staffed, users):
    with pytest.raises(NotFound):
        selectors.staff_get(users["sibling_dispatcher"], staffed["a"].pk)
    with pytest.raises(NotFound):
        selectors.staff_get(users["dispatcher"], 10**9)


def test_staff_for_grid_is_active_staff_leader_first(staffed, tree, users):
    gw = users["grid_worker"]
    assert [s.name for s in selectors.staff_for_grid(gw, tree[GRID_1])] == ["丁", "甲", "乙"]
    assert names(selectors.staff_for_grid(users["commander"], tree[SIBLING_GRID_1])) == {"戊", "己"}
    with pytest.raises(NotFound):
        selectors.staff_for_grid(gw, tree[GRID_2])
    with pytest.raises(NotFound):
        selectors.staff_for_grid(users["dispatcher"], tree[COMMUNITY])


@pytest.fixture
def subdistrict_group(tree, users):
    """Owned by the subdistrict, covering one grid of its community."""
    group = actions.work_group_create(
        actor=users["dispatcher"], name="北街道工作组", node=tree["320104001"], grids=[tree[GRID_1]]
    )
    for role, name in [
        (GroupRole.MEMBER, "阿"),
        (GroupRole.DEPUTY, "波"),
        (GroupRole.LEADER, "次"),
    ]:
        actions.work_group_member_add(actor=users["dispatcher"], group=group, role=role, name=name)
    return group


def test_groups_visible_to_owner_and_covered_grids(subdistrict_group, tree, users):
    assert list(selectors.groups_visible(users["community_staff"])) == [subdistrict_group]
    assert list(selectors.groups_visible(users["grid_worker"])) == [subdistrict_group]
    assert list(selectors.groups_visible(users["sibling_dispatcher"])) == []
    assert list(selectors.groups_visible(users["commander"], node=tree[GRID_2])) == []
    with pytest.raises(NotFound):
        selectors.group_get(users["sibling_dispatcher"], subdistrict_group.pk)


def test_groups_for_grid_prefetch_members_in_seat_order(
    subdistrict_group, tree, users, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        (group,) = selectors.groups_for_grid(users["grid_worker"], tree[GRID_1])
        assert [m.name for m in group.members.all()] == ["次", "波", "阿"]
        assert [g.code for g in group.grids.all()] == [GRID_1]
    assert list(selectors.groups_for_grid(users["dispatcher"], tree[GRID_2])) == []


def row_summary(row: selectors.CoverageRow) -> dict[str, object]:
    return {
        "node": row.node.code,
        "grids": row.grid_count,
        "no_full_time": [code for code, _name in row.grids_without_full_time],
        "no_legal": [code for code, _name in row.grids_without_legal_affairs],
        "workers": row.worker_count,
        "population": row.population,
        "per_thousand": row.workers_per_thousand,
    }


def test_coverage_of_the_city(staffed, tree, users):
    report = selectors.coverage_report(users["analyst"], tree["3201"])
    assert [row_summary(r) for r in report.rows] == [
        {
            "node": "320104",
            "grids": 4,
            "no_full_time": [SIBLING_GRID_1, SIBLING_GRID_2],
            "no_legal": [GRID_2, SIBLING_GRID_2],
            "workers": 5,
            "population": 4000,
            "per_thousand": 1.25,
        },
        {
            "node": "320105",
            "grids": 4,
            "no_full_time": [
                "320105001001001",
                "320105001001002",
                "320105002001001",
                "320105002001002",
            ],
            "no_legal": [
                "320105001001001",
                "320105001001002",
                "320105002001001",
                "320105002001002",
            ],
            "workers": 0,
            "population": 4000,
            "per_thousand": 0.0,
        },
    ]
    assert row_summary(report.total) | {"no_full_time": 6, "no_legal": 6} == {
        "node": "3201",
        "grids": 8,
        "no_full_time": 6,
        "no_legal": 6,
        "workers": 5,
        "population": 8000,
        "per_thousand": 0.62,
    }
    assert not report.total.fully_covered


def test_coverage_of_a_community_has_a_row_per_grid(staffed, tree, users):
    report = selectors.coverage_report(users["dispatcher"], tree[COMMUNITY])
    assert [(r.node.code, r.worker_count, r.fully_covered) for r in report.rows] == [
        (GRID_1, 3, True),
        (GRID_2, 2, False),
    ]
    assert report.rows[1].grids_without_legal_affairs == [(GRID_2, tree[GRID_2].name)]
    assert report.total.worker_count == 4


def test_coverage_of_a_single_grid(staffed, tree, users):
    report = selectors.coverage_report(users["grid_worker"], tree[GRID_1])
    assert [(r.node.code, r.grid_count, r.worker_count) for r in report.rows] == [(GRID_1, 1, 3)]
    assert (report.total.grid_count, report.total.population) == (1, 1000)


def test_coverage_population_unknown_when_any_grid_lacks_it(staffed, tree, users):
    Node.objects.filter(code=SIBLING_GRID_2).update(population=None)
    report = selectors.coverage_report(users["commander"], tree["320104"])
    by_code = {r.node.code: r for r in report.rows}
    assert (by_code["320104001"].population, by_code["320104001"].workers_per_thousand) == (
        2000,
        2.0,
    )
    assert (by_code["320104002"].population, by_code["320104002"].workers_per_thousand) == (
        None,
        None,
    )
    assert by_code["320104002"].unknown_population == 1
    assert report.total.population is None


def test_coverage_outside_scope(tree, users):
    with pytest.raises(NotFound):
        selectors.coverage_report(users["sibling_dispatcher"], tree[COMMUNITY])


def test_coverage_query_count_does_not_grow_with_the_tree(
    staffed, tree, users, django_assert_max_num_queries
):
    """Four aggregate queries whatever the size: it must answer at city scale in well under 1 s."""
    analyst = users["analyst"]
    with django_assert_max_num_queries(4):
        small = selectors.coverage_report(analyst, tree["3201"])
    for i in range(40):
        hire(
            users,
            tree,
            f"工{i}",
            StaffKind.FULL_TIME,
            "320105",
            ["320105001001001", "320105002001002"],
        )
    with django_assert_max_num_queries(4):
        large = selectors.coverage_report(analyst, tree["3201"])
    assert (small.total.worker_count, large.total.worker_count) == (5, 45)


GRIDS = [GRID_1, GRID_2, SIBLING_GRID_1, SIBLING_GRID_2, "320105001001001", "320105002001002"]
person = st.tuples(
    st.sampled_from(StaffKind.values),
    st.booleans(),
    st.lists(st.sampled_from(GRIDS), max_size=3, unique=True),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(person, max_size=12))
def test_coverage_agrees_with_a_grid_by_grid_count(tree, users, people):
    """The grouped queries give what walking every grid and person would."""
    StaffMember.objects.all().delete()
    for kind, active, grids in people:
        staff = StaffMember.objects.create(
            name="x", kind=kind, active=active, home_node=tree["3201"]
        )
        staff.grids.set([tree[code] for code in grids])
    report = selectors.coverage_report(users["analyst"], tree["3201"])

    def working(area: str, kinds: tuple[str, ...]) -> set[int]:
        return {
            i
            for i, (kind, active, grids) in enumerate(people)
            if active and kind in kinds and any(g.startswith(area) for g in grids)
        }

    for row in [*report.rows, report.total]:
        code = row.node.code
        assert row.worker_count == len(working(code, selectors.WORKER_KINDS))
        grids_here = [g.code for g in Node.objects.filter(level=5, code__startswith=code)]
        assert [c for c, _n in row.grids_without_full_time] == [
            g for g in grids_here if not working(g, (StaffKind.FULL_TIME,))
        ]
        assert [c for c, _n in row.grids_without_legal_affairs] == [
            g for g in grids_here if not working(g, (StaffKind.LEGAL_AFFAIRS,))
        ]
