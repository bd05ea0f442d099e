"""The admin through real HTTP: each administrator role gets only its own apps."""

import pytest
from django.test import Client

from gridgov.accounts.actions import api_token_create
from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login

USERS = "/admin/accounts/user/"
TOKENS = "/admin/accounts/apitoken/"
AUDIT = "/admin/audit/auditentry/"
DEPARTMENTS = "/admin/departments/department/"
NODES = "/admin/jurisdiction/node/"
GOOD = "Grid-Demo-2026"


def status(client: Client, url: str) -> int:
    return client.get(url).status_code


def test_system_admin_gets_the_platform_data_but_not_accounts_or_audit(client_for, tree):
    client = client_for("system_admin")
    assert status(client, "/admin/") == 200
    assert status(client, NODES) == 200
    assert status(client, f"{NODES}{tree['320104'].pk}/change/") == 200
    assert status(client, DEPARTMENTS) == 200
    assert status(client, f"{DEPARTMENTS}add/") == 200
    assert status(client, USERS) == 403
    assert status(client, TOKENS) == 403
    assert status(client, AUDIT) == 403


def test_security_admin_gets_accounts_but_not_data_or_audit(client_for):
    client = client_for("security_admin")
    assert status(client, USERS) == 200
    assert status(client, f"{USERS}add/") == 200
    assert status(client, TOKENS) == 200
    assert status(client, NODES) == 403
    assert status(client, DEPARTMENTS) == 403
    assert status(client, AUDIT) == 403


def test_auditor_reads_the_audit_trail_and_changes_nothing(client_for, users):
    entry = audit_record(actor=users["dispatcher"], action="test.something")
    client = client_for("auditor")
    assert status(client, AUDIT) == 200
    page = client.get(f"{AUDIT}{entry.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(f"{AUDIT}{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert status(client, f"{AUDIT}add/") == 403
    assert status(client, f"{AUDIT}{entry.pk}/delete/") == 403
    assert status(client, USERS) == 403
    assert status(client, NODES) == 403
    assert status(client, DEPARTMENTS) == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.something"


@pytest.mark.parametrize("name", ["dispatcher", "analyst", "grid_worker"])
def test_non_administrators_cannot_enter_the_admin(client_for, name):
    response = client_for(name).get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.fixture
def superuser_client(db):
    root = User.objects.create_superuser("root", password=GOOD)
    return login(Client(), root)


def test_superuser_gets_nothing_when_not_allowed(superuser_client, settings):
    settings.ALLOW_SUPERUSER = False
    assert status(superuser_client, "/admin/") == 200
    for url in (USERS, AUDIT, DEPARTMENTS, TOKENS, NODES):
        assert status(superuser_client, url) == 403


def test_superuser_gets_everything_where_allowed(superuser_client, settings, tree):
    settings.ALLOW_SUPERUSER = True
    for url in (USERS, AUDIT, DEPARTMENTS):
        assert status(superuser_client, url) == 200


def add_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "newgw",
        "display_name": "王网格",
        "role": Role.GRID_WORKER,
        "node": "320104001001001",
        "department": "",
        "password1": GOOD,
        "password2": GOOD,
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_security_admin_adds_an_account_through_the_action(client_for, users, tree):
    response = client_for("security_admin").post(f"{USERS}add/", add_data())
    assert response.status_code == 302
    user = User.objects.get(username="newgw")
    assert user.node == tree["320104001001001"]
    assert user.password.startswith("argon2")
    assert not user.is_staff
    entry = AuditEntry.objects.get(action="accounts.user_create")
    assert entry.actor == users["security_admin"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": Role.SYSTEM_ADMIN}, "node"),
        ({"node": "99999"}, "node"),
        ({"password1": "password1234", "password2": "password1234"}, "password2"),
    ],
)
def test_add_form_refuses_bad_placement_and_passwords(client_for, users, overrides, field):
    response = client_for("security_admin").post(f"{USERS}add/", add_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not User.objects.filter(username="newgw").exists()


def test_district_security_admin_cannot_place_or_see_outside(district_security_admin, users):
    client = login(Client(), district_security_admin)
    response = client.post(f"{USERS}add/", add_data(node="320105001001001"))
    assert "node" in response.context["adminform"].form.errors
    listed = {u.username for u in client.get(USERS).context["cl"].result_list}
    assert "dc" in listed
    assert "dc2" not in listed
    outside = client.get(f"{USERS}{users['sibling_commander'].pk}/change/")
    assert outside.status_code == 404


def change_data(user: User, **overrides: str) -> dict[str, str]:
    data = {
        "display_name": user.display_name,
        "role": user.role,
        "node": user.node.code if user.node else "",
        "department": user.department.code if user.department else "",
        "is_active": "on" if user.is_active else "",
        "_save": "Save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_change_form_shows_codes_and_changes_role_through_the_action(client_for, users, tree):
    client = client_for("security_admin")
    user = users["dispatcher"]
    page = client.get(f"{USERS}{user.pk}/change/")
    assert page.context["adminform"].form["node"].value() == "320104001"
    response = client.post(
        f"{USERS}{user.pk}/change/",
        change_data(user, role=Role.DISTRICT_COMMANDER, node="320104"),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.node) == (Role.DISTRICT_COMMANDER, tree["320104"])
    entry = AuditEntry.objects.get(action="accounts.user_update")
    assert entry.detail["node"] == ["320104001", "320104"]


@pytest.mark.parametrize("allowed", [True, False])
def test_no_administrator_can_set_the_superuser_flag(client_for, users, settings, allowed):
    """Not even in development, where the flag counts: it would bypass the three roles."""
    settings.ALLOW_SUPERUSER = allowed
    user = users["analyst"]
    client = client_for("security_admin")
    page = client.get(f"{USERS}{user.pk}/change/")
    assert "is_superuser" not in page.context["adminform"].form.fields
    response = client.post(
        f"{USERS}{user.pk}/change/", change_data(user, display_name="x", is_superuser="on")
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.is_superuser) == ("x", False)


def test_the_system_admin_registers_open311_clients(client_for):
    clients = "/admin/open311/clientapplication/"
    assert status(client_for("system_admin"), clients) == 200
    assert status(client_for("system_admin"), f"{clients}add/") == 200
    assert status(client_for("security_admin"), clients) == 403
    assert status(client_for("auditor"), clients) == 403


def test_deactivation_through_the_change_form(client_for, users):
    user = users["grid_worker"]
    response = client_for("security_admin").post(
        f"{USERS}{user.pk}/change/", change_data(user, is_active="")
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEntry.objects.get(action="accounts.user_update").detail == {
        "is_active": [True, False]
    }


def test_nobody_edits_their_own_account_in_the_admin(client_for, users):
    me = users["security_admin"]
    client = client_for("security_admin")
    response = client.post(f"{USERS}{me.pk}/change/", change_data(me, role=Role.AUDITOR))
    assert response.status_code == 403
    assert status(client, f"{USERS}{me.pk}/password/") == 403


def test_user_deletion_is_not_offered(client_for, users):
    user = users["grid_worker"]
    assert status(client_for("security_admin"), f"{USERS}{user.pk}/delete/") == 403


def test_token_admin_is_read_only_and_revokes(client_for, users):
    token, key = api_token_create(actor=users["analyst"], name="robot")
    client = client_for("security_admin")
    page = client.get(f"{TOKENS}{token.pk}/change/")
    assert page.status_code == 200
    assert token.digest in page.content.decode()
    assert key not in page.content.decode()
    assert status(client, f"{TOKENS}add/") == 403
    assert status(client, f"{TOKENS}{token.pk}/delete/") == 403
    response = client.post(TOKENS, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.api_token_revoke").count() == 1
