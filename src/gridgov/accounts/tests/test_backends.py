import pytest
from django.test import Client

from gridgov.accounts.checks import no_active_superuser
from gridgov.accounts.models import User
from gridgov.accounts.roles import ADMIN_APP_ACCESS, ROLE_CAPABILITIES, Role
from gridgov.placement.actions import ROLE_LEVELS


def apps_of(user: User) -> set[str]:
    return {perm.split(".")[0] for perm in user.get_all_permissions()}


def test_each_admin_role_gets_only_its_apps(users):
    assert apps_of(users["system_admin"]) == {
        "jurisdiction",
        "departments",
        "staffing",
        "worktime",
        "events",
        "whistle",
        "decisions",
        "inspections",
        "fieldwork",
        "campaigns",
        "assessment",
        "addresses",
        "open311",
        "tasks",
        "notifications",
        "registry",
    }
    registry = {p for p in users["system_admin"].get_all_permissions() if p.startswith("registry.")}
    assert registry
    assert all(p.split(".")[1].startswith("view_") for p in registry)
    assert apps_of(users["security_admin"]) == {"accounts", "axes"}
    assert apps_of(users["auditor"]) == {"audit", "axes"}
    assert all(p.split(".")[1].startswith("view_") for p in users["auditor"].get_all_permissions())


@pytest.mark.parametrize("name", ["grid_worker", "dispatcher", "commander", "analyst"])
def test_operational_roles_get_no_admin_permissions(users, name):
    assert users[name].get_all_permissions() == set()
    assert not users[name].has_module_perms("jurisdiction")


def test_inactive_accounts_have_no_permissions(users):
    user = users["security_admin"]
    user.is_active = False
    assert user.get_all_permissions() == set()
    assert not user.has_perm("accounts.view_user")


def test_superuser_flag_counts_only_where_allowed(db, settings):
    root = User.objects.create_superuser("root", password="Grid-Demo-2026")
    settings.ALLOW_SUPERUSER = False
    root = User.objects.get(pk=root.pk)
    assert not root.has_perm("accounts.change_user")
    assert not root.has_module_perms("audit")
    assert not root.can("manage_accounts")
    settings.ALLOW_SUPERUSER = True
    root = User.objects.get(pk=root.pk)
    assert root.has_perm("accounts.change_user")
    assert root.can("manage_accounts")


def test_the_three_administrators_are_separated():
    """No capability and no managed app is shared; the auditor manages nothing."""
    admins = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR]
    for i, a in enumerate(admins):
        for b in admins[i + 1 :]:
            assert not ROLE_CAPABILITIES[a] & ROLE_CAPABILITIES[b]
            assert not ADMIN_APP_ACCESS[a][0] & ADMIN_APP_ACCESS[b][0]
    assert ADMIN_APP_ACCESS[Role.AUDITOR][0] == frozenset()


def test_every_role_has_levels_or_sits_on_a_department():
    assert set(ROLE_LEVELS) == set(Role.values)
    assert [r for r, levels in ROLE_LEVELS.items() if not levels] == [Role.DEPARTMENT_HANDLER]


@pytest.mark.parametrize(
    ("name", "allowed"), [("security_admin", True), ("auditor", True), ("system_admin", False)]
)
def test_lockouts_are_seen_by_security_admin_and_auditor(client_for, name, allowed):
    status = client_for(name).get("/admin/axes/accessattempt/").status_code
    assert status == (200 if allowed else 403)


def test_deploy_check_names_active_superusers(db, settings):
    settings.ALLOW_SUPERUSER = False
    assert no_active_superuser() == []
    User.objects.create_superuser("root", password="Grid-Demo-2026")
    errors = no_active_superuser()
    assert [e.id for e in errors] == ["gridgov.E001"]
    assert "root" in errors[0].msg
    settings.ALLOW_SUPERUSER = True
    assert no_active_superuser() == []


def test_an_inactive_account_cannot_log_in(users):
    users["grid_worker"].is_active = False
    users["grid_worker"].save()
    from gridgov.testing.users import PASSWORD

    response = Client().post("/accounts/login/", {"username": "gw", "password": PASSWORD})
    assert response.status_code == 200
