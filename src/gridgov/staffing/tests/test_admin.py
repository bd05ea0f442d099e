import pytest
from django.test import Client

from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.staffing import actions
from gridgov.staffing.models import GroupRole, StaffKind, StaffMember, WorkGroup
from gridgov.testing.users import make_user

COMMUNITY = "320104001001"
GRID_1 = "320104001001001"


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
def admin_client(client_for):
    return client_for("system_admin")


def inline_management(prefix: str, total: int = 0) -> dict[str, object]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_staff_changelist_filters_and_searches(admin_client, worker):
    page = admin_client.get("/admin/staffing/staffmember/", {"kind__exact": "full_time"})
    assert page.status_code == 200
    assert "王芳" in page.text
    assert (
        "王芳"
        not in admin_client.get("/admin/staffing/staffmember/", {"kind__exact": "volunteer"}).text
    )
    assert "王芳" in admin_client.get("/admin/staffing/staffmember/", {"q": "王"}).text
    assert admin_client.get(f"/admin/staffing/staffmember/{worker.pk}/change/").status_code == 200


def test_staff_added_in_the_admin_is_checked_and_audited(admin_client, tree):
    form = {
        "name": "李强",
        "kind": "legal_affairs",
        "profession": "",
        "employer": "",
        "home_node": tree[COMMUNITY].pk,
        "active": "on",
        **inline_management("assignments", 1),
        "assignments-0-grid": tree[GRID_1].pk,
    }
    page = admin_client.post("/admin/staffing/staffmember/add/", form)
    assert page.status_code == 200
    assert not StaffMember.objects.exists()
    page = admin_client.post("/admin/staffing/staffmember/add/", form | {"profession": "police"})
    assert page.status_code == 302
    staff = StaffMember.objects.get()
    assert list(staff.grids.values_list("code", flat=True)) == [GRID_1]
    entry = AuditEntry.objects.get(action="staffing.admin_add")
    assert entry.target_id == str(staff.pk)
    assert entry.detail["inlines"] == ["assignments"]


def test_district_admin_sees_only_its_district(tree, worker):
    client = login(Client(), make_user("sa3", Role.SYSTEM_ADMIN, node=tree["320105"]))
    assert "王芳" not in client.get("/admin/staffing/staffmember/").text
    page = client.get(f"/admin/staffing/staffmember/{worker.pk}/change/")
    assert page.status_code == 404


def test_work_group_admin_keeps_grids_inside_the_node(admin_client, tree):
    form = {
        "name": "组",
        "node": tree[COMMUNITY].pk,
        "grids": f"{tree[GRID_1].pk},{tree['320105001001001'].pk}",
        **inline_management("members"),
    }
    page = admin_client.post("/admin/staffing/workgroup/add/", form)
    assert page.status_code == 200
    assert "320105001001001" in page.text
    assert not WorkGroup.objects.exists()
    page = admin_client.post("/admin/staffing/workgroup/add/", form | {"grids": tree[GRID_1].pk})
    assert page.status_code == 302
    assert WorkGroup.objects.get().grids.get().code == GRID_1


def test_work_group_admin_refuses_a_second_leader(admin_client, tree, users):
    group = actions.work_group_create(
        actor=users["dispatcher"], name="组", node=tree[COMMUNITY], grids=[tree[GRID_1]]
    )
    actions.work_group_member_add(
        actor=users["dispatcher"], group=group, role=GroupRole.LEADER, name="甲"
    )
    form = {
        "name": "组",
        "node": tree[COMMUNITY].pk,
        "grids": tree[GRID_1].pk,
        **inline_management("members", 1),
        "members-INITIAL_FORMS": 0,
        "members-0-role": "leader",
        "members-0-name": "乙",
        "members-0-title": "",
    }
    page = admin_client.post(f"/admin/staffing/workgroup/{group.pk}/change/", form)
    assert page.status_code == 200
    assert group.members.count() == 1


def test_district_admin_cannot_place_staff_outside_its_district(tree):
    client = login(Client(), make_user("sa4", Role.SYSTEM_ADMIN, node=tree["320105"]))
    form = {
        "name": "甲",
        "kind": "full_time",
        "home_node": tree["320105001001"].pk,
        "active": "on",
        **inline_management("assignments", 1),
        "assignments-0-grid": tree[GRID_1].pk,
    }
    page = client.post("/admin/staffing/staffmember/add/", form)
    assert page.status_code == 200
    assert not StaffMember.objects.exists()
    page = client.post("/admin/staffing/staffmember/add/", form | {"home_node": tree[COMMUNITY].pk})
    assert page.status_code == 200
    assert not StaffMember.objects.exists()
    form["assignments-0-grid"] = tree["320105001001001"].pk
    assert client.post("/admin/staffing/staffmember/add/", form).status_code == 302


def test_district_admin_cannot_add_another_districts_staff_to_a_group(tree, worker):
    """The member inline's raw staff id accepts only staff the caller's admin lists."""
    client = login(Client(), make_user("sa5", Role.SYSTEM_ADMIN, node=tree["320105"]))
    form = {
        "name": "组",
        "node": tree["320105001001"].pk,
        "grids": "",
        **inline_management("members", 1),
        "members-0-role": "member",
        "members-0-staff": worker.pk,
        "members-0-name": "",
        "members-0-title": "",
    }
    page = client.post("/admin/staffing/workgroup/add/", form)
    assert page.status_code == 200
    assert "staff" in page.context["inline_admin_formsets"][0].formset.errors[0]
    assert not WorkGroup.objects.exists()
