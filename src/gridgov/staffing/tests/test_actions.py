import pytest

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.staffing import actions
from gridgov.staffing.models import (
    GroupRole,
    LegalProfession,
    StaffAssignment,
    StaffKind,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)

COMMUNITY = "320104001001"
GRID_1 = "320104001001001"
GRID_2 = "320104001001002"
SIBLING_GRID = "320104002001001"


@pytest.fixture
def worker(tree, users):
    return actions.staff_create(
        actor=users["dispatcher"],
        name="王芳",
        kind=StaffKind.FULL_TIME,
        home_node=tree[COMMUNITY],
        grids=[tree[GRID_1]],
    )


@pytest.fixture
def group(tree, users):
    return actions.work_group_create(
        actor=users["dispatcher"],
        name="一社区网格工作组",
        node=tree[COMMUNITY],
        grids=[tree[GRID_1], tree[GRID_2]],
    )


def problem_codes(excinfo: pytest.ExceptionInfo[InvalidInput]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in excinfo.value.problems}


def test_staff_create_assigns_grids_and_audits(tree, users):
    staff = actions.staff_create(
        actor=users["community_staff"],
        name="  李强 ",
        kind=StaffKind.LEGAL_AFFAIRS,
        profession=LegalProfession.POLICE,
        employer="秦淮公安分局",
        home_node=tree[COMMUNITY],
        grids=[tree[GRID_1], tree[GRID_2], tree[GRID_1]],
    )
    assert staff.name == "李强"
    assert set(staff.grids.values_list("code", flat=True)) == {GRID_1, GRID_2}
    entry = AuditEntry.objects.get(action="staffing.staff_create")
    assert entry.actor == users["community_staff"]
    assert entry.target_id == str(staff.pk)
    assert sorted(entry.detail["grids"]) == [GRID_1, GRID_2]


def test_staff_create_links_an_account_once(tree, users):
    account = users["grid_worker"]
    actions.staff_create(
        actor=users["dispatcher"],
        name="甲",
        kind=StaffKind.FULL_TIME,
        home_node=tree[COMMUNITY],
        user=account,
    )
    with pytest.raises(Conflict):
        actions.staff_create(
            actor=users["dispatcher"],
            name="乙",
            kind=StaffKind.FULL_TIME,
            home_node=tree[COMMUNITY],
            user=account,
        )
    assert StaffMember.objects.count() == 1


def test_staff_create_account_outside_scope_is_not_found(tree, users):
    with pytest.raises(NotFound):
        actions.staff_create(
            actor=users["dispatcher"],
            name="甲",
            kind=StaffKind.FULL_TIME,
            home_node=tree[COMMUNITY],
            user=users["sibling_dispatcher"],
        )


@pytest.mark.parametrize("who", ["grid_worker", "analyst", "security_admin", "auditor"])
def test_staff_create_needs_the_capability(tree, users, who):
    with pytest.raises(PermissionDenied):
        actions.staff_create(
            actor=users[who], name="甲", kind=StaffKind.FULL_TIME, home_node=tree[GRID_1]
        )
    assert not StaffMember.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("home", "grids"),
    [("320104002", []), (COMMUNITY, [SIBLING_GRID]), ("3201", [])],
)
def test_staff_create_outside_scope_is_not_found(tree, users, home, grids):
    with pytest.raises(NotFound):
        actions.staff_create(
            actor=users["dispatcher"],
            name="甲",
            kind=StaffKind.FULL_TIME,
            home_node=tree[home],
            grids=[tree[code] for code in grids],
        )
    assert not StaffMember.objects.exists()


def test_staff_create_reports_every_problem_and_writes_nothing(tree, users):
    with pytest.raises(InvalidInput) as excinfo:
        actions.staff_create(
            actor=users["dispatcher"],
            name=" ",
            kind="wizard",
            home_node=tree[GRID_1],
            grids=[tree[GRID_1], tree[GRID_1], tree[COMMUNITY]],
        )
    assert problem_codes(excinfo) == {
        ("name", "blank"),
        ("kind", "invalid_choice"),
        ("home_node", "home_node_is_grid"),
        ("grids", "not_a_grid"),
    }
    bad_grid = next(p for p in excinfo.value.problems if p.field == "grids")
    assert (bad_grid.index, bad_grid.item) == (2, COMMUNITY)
    assert not StaffMember.objects.exists()
    assert not StaffAssignment.objects.exists()
    assert not AuditEntry.objects.exists()


def test_legal_affairs_workers_need_a_profession_and_only_they_have_one(tree, users):
    with pytest.raises(InvalidInput) as excinfo:
        actions.staff_create(
            actor=users["dispatcher"],
            name="甲",
            kind=StaffKind.LEGAL_AFFAIRS,
            home_node=tree[COMMUNITY],
        )
    assert problem_codes(excinfo) == {("profession", "profession_required")}
    with pytest.raises(InvalidInput) as excinfo:
        actions.staff_create(
            actor=users["dispatcher"],
            name="甲",
            kind=StaffKind.VOLUNTEER,
            profession=LegalProfession.JUDGE,
            home_node=tree[COMMUNITY],
        )
    assert problem_codes(excinfo) == {("profession", "profession_not_allowed")}


def test_staff_update_changes_only_given_fields(worker, tree, users):
    actions.staff_update(
        actor=users["dispatcher"],
        staff=worker,
        kind=StaffKind.LEGAL_AFFAIRS,
        profession=LegalProfession.LAWYER,
        home_node=tree["320104001"],
    )
    worker.refresh_from_db()
    assert (worker.name, worker.kind, worker.profession) == ("王芳", "legal_affairs", "lawyer")
    assert worker.home_node.code == "320104001"
    entry = AuditEntry.objects.get(action="staffing.staff_update")
    assert entry.detail == {
        "kind": "legal_affairs",
        "profession": "lawyer",
        "home_node": "320104001",
    }


def test_staff_update_refused_leaves_the_row_and_object_alone(worker, users):
    with pytest.raises(InvalidInput):
        actions.staff_update(actor=users["dispatcher"], staff=worker, kind=StaffKind.LEGAL_AFFAIRS)
    assert worker.kind == StaffKind.FULL_TIME
    worker.refresh_from_db()
    assert worker.kind == StaffKind.FULL_TIME
    assert not AuditEntry.objects.filter(action="staffing.staff_update").exists()


def test_staff_update_by_a_sibling_is_not_found(worker, users):
    with pytest.raises(NotFound):
        actions.staff_update(actor=users["sibling_dispatcher"], staff=worker, name="x")


def test_assign_and_unassign(worker, tree, users):
    actor = users["community_staff"]
    actions.staff_assign(actor=actor, staff=worker, grid=tree[GRID_2])
    assert set(worker.grids.values_list("code", flat=True)) == {GRID_1, GRID_2}
    with pytest.raises(Conflict):
        actions.staff_assign(actor=actor, staff=worker, grid=tree[GRID_2])
    actions.staff_unassign(actor=actor, staff=worker, grid=tree[GRID_1])
    assert list(worker.grids.values_list("code", flat=True)) == [GRID_2]
    with pytest.raises(NotFound):
        actions.staff_unassign(actor=actor, staff=worker, grid=tree[GRID_1])
    assert AuditEntry.objects.filter(action__startswith="staffing.staff_").count() == 3


def test_assign_refuses_non_grids_and_foreign_grids(worker, tree, users):
    with pytest.raises(InvalidInput) as excinfo:
        actions.staff_assign(actor=users["dispatcher"], staff=worker, grid=tree[COMMUNITY])
    assert problem_codes(excinfo) == {("grid", "not_a_grid")}
    with pytest.raises(NotFound):
        actions.staff_assign(actor=users["dispatcher"], staff=worker, grid=tree[SIBLING_GRID])
    with pytest.raises(NotFound):
        actions.staff_assign(
            actor=users["sibling_dispatcher"], staff=worker, grid=tree[SIBLING_GRID]
        )
    assert worker.assignments.count() == 1


def test_a_commander_can_lend_staff_across_subdistricts(worker, tree, users):
    actions.staff_assign(actor=users["commander"], staff=worker, grid=tree[SIBLING_GRID])
    # The sibling now sees the worker in its grid and may release them from it,
    # but may not change the person, whom another subdistrict manages.
    actions.staff_unassign(actor=users["sibling_dispatcher"], staff=worker, grid=tree[SIBLING_GRID])
    with pytest.raises(NotFound):
        actions.staff_deactivate(actor=users["sibling_dispatcher"], staff=worker)


def test_deactivate(worker, tree, users):
    actions.staff_deactivate(actor=users["dispatcher"], staff=worker)
    worker.refresh_from_db()
    assert not worker.active
    assert worker.assignments.count() == 1
    with pytest.raises(Conflict):
        actions.staff_deactivate(actor=users["dispatcher"], staff=worker)
    with pytest.raises(Conflict):
        actions.staff_assign(actor=users["dispatcher"], staff=worker, grid=tree[GRID_2])


def test_work_group_create(group, tree, users):
    assert set(group.grids.values_list("code", flat=True)) == {GRID_1, GRID_2}
    entry = AuditEntry.objects.get(action="staffing.work_group_create")
    assert entry.detail["node"] == COMMUNITY


def test_work_group_grids_must_lie_inside_its_node(tree, users):
    with pytest.raises(InvalidInput) as excinfo:
        actions.work_group_create(
            actor=users["commander"],
            name="组",
            node=tree[COMMUNITY],
            grids=[tree[GRID_1], tree["320104002001002"], tree["320104002001"]],
        )
    assert problem_codes(excinfo) == {("grids", "grid_outside_group"), ("grids", "not_a_grid")}
    assert [p.index for p in excinfo.value.problems] == [1, 2]
    assert not WorkGroup.objects.exists()


def test_work_group_needs_a_name_grids_and_a_non_grid_node(tree, users):
    with pytest.raises(InvalidInput) as excinfo:
        actions.work_group_create(actor=users["dispatcher"], name="", node=tree[GRID_1], grids=[])
    assert problem_codes(excinfo) == {
        ("name", "blank"),
        ("node", "node_is_grid"),
        ("grids", "required"),
    }


def test_work_group_outside_scope(tree, users):
    with pytest.raises(NotFound):
        actions.work_group_create(
            actor=users["sibling_dispatcher"], name="组", node=tree[COMMUNITY], grids=[tree[GRID_1]]
        )
    with pytest.raises(PermissionDenied):
        actions.work_group_create(
            actor=users["grid_worker"], name="组", node=tree[COMMUNITY], grids=[tree[GRID_1]]
        )


def test_work_group_set_grids(group, tree, users):
    actions.work_group_set_grids(actor=users["dispatcher"], group=group, grids=[tree[GRID_2]])
    assert list(group.grids.values_list("code", flat=True)) == [GRID_2]
    entry = AuditEntry.objects.get(action="staffing.work_group_set_grids")
    assert entry.detail == {"added": [], "removed": [GRID_1]}
    with pytest.raises(InvalidInput):
        actions.work_group_set_grids(actor=users["dispatcher"], group=group, grids=[])
    with pytest.raises(NotFound):
        actions.work_group_set_grids(
            actor=users["sibling_dispatcher"], group=group, grids=[tree[SIBLING_GRID]]
        )
    assert list(group.grids.values_list("code", flat=True)) == [GRID_2]


def test_one_leader_per_group(group, worker, users):
    actor = users["dispatcher"]
    leader = actions.work_group_member_add(
        actor=actor, group=group, role=GroupRole.LEADER, name="", staff=worker
    )
    assert leader.name == "王芳"
    actions.work_group_member_add(
        actor=actor, group=group, role=GroupRole.DEPUTY, name="赵警官", title="社区民警"
    )
    with pytest.raises(Conflict):
        actions.work_group_member_add(actor=actor, group=group, role=GroupRole.LEADER, name="钱")
    assert group.members.count() == 2
    actions.work_group_member_remove(actor=actor, member=leader)
    actions.work_group_member_add(actor=actor, group=group, role=GroupRole.LEADER, name="钱")
    assert group.members.filter(role=GroupRole.LEADER).get().name == "钱"


def test_member_add_bad_input(group, users):
    with pytest.raises(InvalidInput) as excinfo:
        actions.work_group_member_add(
            actor=users["dispatcher"], group=group, role="boss", name="", title="x" * 65
        )
    assert problem_codes(excinfo) == {
        ("role", "invalid_choice"),
        ("name", "blank"),
        ("title", "max_length"),
    }
    assert not WorkGroupMember.objects.exists()


def test_member_writes_outside_scope(group, users):
    member = actions.work_group_member_add(
        actor=users["dispatcher"], group=group, role=GroupRole.MEMBER, name="孙"
    )
    with pytest.raises(NotFound):
        actions.work_group_member_add(
            actor=users["sibling_dispatcher"], group=group, role=GroupRole.MEMBER, name="周"
        )
    with pytest.raises(NotFound):
        actions.work_group_member_remove(actor=users["sibling_dispatcher"], member=member)
    with pytest.raises(PermissionDenied):
        actions.work_group_member_remove(actor=users["grid_worker"], member=member)
    assert group.members.count() == 1
