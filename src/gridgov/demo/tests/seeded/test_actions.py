import hashlib

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import CommandError
from django.db import connection

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.assessment.models import IndicatorDaily
from gridgov.audit.actions import audit_record
from gridgov.audit.models import AuditEntry
from gridgov.demo.logins import DEMO_PASSWORD, DEMO_USERNAMES
from gridgov.demo.tests.seeded.city import seed_command
from gridgov.departments.models import Department, DepartmentKind
from gridgov.jurisdiction.models import GridOverlap, LayerKind, LayerUnit, Level, Node
from gridgov.placement.actions import ROLE_LEVELS
from gridgov.staffing.models import GroupRole, StaffKind, StaffMember, WorkGroup
from gridgov.testing.users import make_user


def snapshot() -> dict[str, object]:
    rows = Node.objects.order_by("code").values_list("code", "name", "boundary")
    digest = hashlib.sha256()
    for code, name, boundary in rows:
        digest.update(f"{code}{name}".encode() + bytes(boundary))
    return {
        "nodes": digest.hexdigest(),
        "units": LayerUnit.objects.count(),
        "staff": StaffMember.objects.count(),
        "departments": Department.objects.count(),
        "users": User.objects.count(),
    }


def test_seed_writes_the_whole_small_city(seeded):
    assert seeded.created
    levels = dict.fromkeys(Level.values, 0)
    for level in Node.objects.values_list("level", flat=True):
        levels[level] += 1
    assert levels == {
        Level.CITY: 1,
        Level.DISTRICT: 1,
        Level.SUBDISTRICT: 3,
        Level.COMMUNITY: 31,
        Level.GRID: 62,
    }
    assert Node.objects.get(code="3201").name == "南京市"
    assert Node.objects.get(code="320104002").name == "夫子庙街道"
    for kind in LayerKind.values:
        assert LayerUnit.objects.filter(layer__kind=kind).exists()
    assert not LayerUnit.objects.filter(
        layer__kind=LayerKind.COMPOUND, node__level__lt=Level.GRID
    ).exists()
    assert GridOverlap.objects.count() == seeded.counts["overlaps"] > 0
    departments = Department.objects.filter(node__code="320104")
    assert departments.count() == 7
    centre = departments.get(kind=DepartmentKind.SUB_CENTRE)
    assert centre.parent is not None
    assert centre.parent.name == "秦淮区城市管理局"
    seed_entry = AuditEntry.objects.filter(action="demo.city_seed").get()
    assert seed_entry.detail["scale"] == "small"
    assert seed_entry.detail["seed"] == 1


def test_the_seed_leaves_the_planner_real_figures(seeded):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'jurisdiction_node'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'jurisdiction_node'")
        (figure,) = cursor.fetchone()
    assert figure > 0


def test_each_community_has_a_work_group_with_leader_deputies_and_members(seeded):
    groups = WorkGroup.objects.prefetch_related("members", "grids")
    assert groups.count() == 31
    for group in groups:
        assert set(group.grids.all()) == set(Node.objects.filter(parent=group.node))
        roles = [m.role for m in group.members.all()]
        assert roles.count(GroupRole.LEADER) == 1
        titles = {m.title for m in group.members.all() if m.role == GroupRole.DEPUTY}
        assert titles == {"社区民警", "城管中队长", "物业经理"}
        leader = next(m for m in group.members.all() if m.role == GroupRole.LEADER)
        assert leader.staff is not None
        assert leader.staff.kind == StaffKind.GRID_LEADER


def test_every_role_has_an_active_account_where_that_role_works(seeded):
    users = list(User.objects.filter(username__in=DEMO_USERNAMES).select_related("node"))
    assert {u.role for u in users} == set(Role.values)
    for user in users:
        assert user.is_active
        if user.role == Role.DEPARTMENT_HANDLER:
            assert user.department is not None
            assert user.node is None
        else:
            assert user.node is not None
            assert user.node.level in ROLE_LEVELS[user.role]
        assert user.is_staff == user.is_administrator
    dispatchers = {u.node_id for u in users if u.role == Role.SUBDISTRICT_DISPATCHER}
    assert len(dispatchers) == 2
    grid_worker = next(u for u in users if u.username == "gw")
    staff = grid_worker.staff_member
    assert staff.kind == StaffKind.FULL_TIME
    assert list(staff.grids.all()) == [grid_worker.node]
    assert len({u.password for u in users}) == 1
    assert users[0].check_password(DEMO_PASSWORD)
    validate_password(DEMO_PASSWORD, users[0])


def test_a_second_run_changes_nothing_but_puts_the_accounts_back(seeded):
    before = snapshot()
    gw = User.objects.get(username="gw")
    gw.node, gw.is_active = Node.objects.get(code="320104"), False
    gw.save()
    User.objects.filter(username="an").delete()

    out = seed_command("--scale", "city")

    assert "already seeded (scale small, seed 1)" in out
    assert snapshot() == before
    gw.refresh_from_db()
    assert gw.is_active
    assert gw.node is not None
    assert gw.node.level == Level.GRID
    assert User.objects.get(username="an").node == Node.objects.get(code="320104")
    assert AuditEntry.objects.filter(action="demo.city_seed").count() == 1


def test_reset_reseeds_and_keeps_accounts_the_audit_trail_points_at(seeded):
    gw = User.objects.get(username="gw")
    audit_record(actor=gw, action="test.login")
    grid_before = Node.objects.get(users=gw).boundary

    out = seed_command("--reset", "--seed", "2")

    assert "Seeded the demo city (scale small, seed 2)" in out
    # Every month of the year's history is counted, not only what the periodic job counts.
    months = {d.replace(day=1) for d in IndicatorDaily.objects.values_list("day", flat=True)}
    assert len(months) >= 12
    assert "events_sweep: escalated" in out
    gw.refresh_from_db()
    assert gw.is_active
    assert Node.objects.get(users=gw).level == Level.GRID
    assert gw.staff_member.kind == StaffKind.FULL_TIME
    assert bytes(Node.objects.get(code="320104001001001").boundary) != bytes(grid_before)
    assert Node.objects.filter(level=Level.GRID).count() == 62
    assert AuditEntry.objects.filter(action="demo.city_reset").count() == 1


def test_reset_refuses_to_touch_other_peoples_accounts(seeded):
    make_user("resident_staff", Role.COMMUNITY_STAFF, node=Node.objects.get(code="320104001001"))
    with pytest.raises(CommandError, match="resident_staff"):
        seed_command("--reset")
    assert Node.objects.filter(level=Level.GRID).count() == 62
