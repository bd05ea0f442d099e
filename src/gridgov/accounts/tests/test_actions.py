import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.accounts.actions import api_token_create, api_token_revoke, superusers_deactivate
from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import account_node
from gridgov.placement.actions import (
    ROLE_LEVELS,
    placement_problems,
    user_change_role,
    user_create,
    user_deactivate,
    user_update,
)

GOOD = "Grid-Demo-2026"


def codes(exc: pytest.ExceptionInfo[InvalidInput]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in exc.value.problems}


def test_security_admin_creates_a_grid_worker(users, tree):
    actor = users["security_admin"]
    user = user_create(
        actor=actor,
        username="newgw",
        password=GOOD,
        role=Role.GRID_WORKER,
        node=tree["320104001001001"],
        display_name="王网格",
    )
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert user.password.startswith("argon2")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.must_change_password  # the administrator knows the first password
    entry = AuditEntry.objects.get(action="accounts.user_create")
    assert entry.actor == actor
    assert entry.target_id == str(user.pk)
    assert entry.detail == {"username": "newgw", "role": "grid_worker", "node": "320104001001001"}
    assert "password" not in str(entry.detail)


def test_admin_roles_get_staff_flag_but_never_superuser(users, tree):
    user = user_create(
        actor=users["security_admin"],
        username="newaud",
        password=GOOD,
        role=Role.AUDITOR,
        node=tree["320104"],
    )
    assert user.is_staff
    assert not user.is_superuser


def test_department_handler_sits_on_a_department(users, departments):
    user = user_create(
        actor=users["security_admin"],
        username="handler",
        password=GOOD,
        role=Role.DEPARTMENT_HANDLER,
        department=departments["qinhuai"],
    )
    assert account_node(user) == departments["qinhuai"].node


def test_every_problem_is_reported_at_once(users, tree, departments):
    with pytest.raises(InvalidInput) as exc:
        user_create(
            actor=users["security_admin"],
            username="gw",
            password="password1234",
            role=Role.GRID_WORKER,
            node=tree["320104001"],
        )
    found = codes(exc)
    assert ("username", "username_taken") in found
    assert ("node", "level_not_allowed") in found
    assert ("password", "password_too_simple") in found
    assert not User.objects.filter(username="gw", node=tree["320104001"]).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("role", "where", "expected"),
    [
        (
            Role.GRID_WORKER,
            {"node": "320104001001001", "department": "qinhuai"},
            "node_and_department",
        ),
        (Role.GRID_WORKER, {}, "node_required"),
        (Role.DEPARTMENT_HANDLER, {"node": "320104"}, "department_required"),
        (Role.SYSTEM_ADMIN, {"node": "320104001"}, "level_not_allowed"),
        ("emperor", {"node": "3201"}, "unknown_role"),
    ],
)
def test_placement_is_checked(users, tree, departments, role, where, expected):
    kwargs = {}
    if "node" in where:
        kwargs["node"] = tree[where["node"]]
    if "department" in where:
        kwargs["department"] = departments[where["department"]]
    with pytest.raises(InvalidInput) as exc:
        user_create(
            actor=users["security_admin"], username="x1", password=GOOD, role=role, **kwargs
        )
    assert expected in {code for _, code in codes(exc)}


@given(role=st.sampled_from([r for r in Role.values if r != Role.DEPARTMENT_HANDLER]))
def test_placement_accepts_exactly_the_role_levels(role):
    for level in Level.values:
        ok = not placement_problems(role=role, node=Node(level=level), department=None)
        assert ok == (level in ROLE_LEVELS[role])


@pytest.mark.parametrize("name", ["dispatcher", "system_admin", "auditor", "commander"])
def test_only_account_managers_create_accounts(users, tree, name):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=users[name],
            username="x2",
            password=GOOD,
            role=Role.GRID_WORKER,
            node=tree["320104001001001"],
        )


def test_a_district_security_admin_cannot_place_outside_the_district(
    district_security_admin, tree, departments
):
    with pytest.raises(NotFound):
        user_create(
            actor=district_security_admin,
            username="x3",
            password=GOOD,
            role=Role.GRID_WORKER,
            node=tree["320105001001001"],
        )
    with pytest.raises(NotFound):
        user_create(
            actor=district_security_admin,
            username="x4",
            password=GOOD,
            role=Role.DEPARTMENT_HANDLER,
            department=departments["jianye"],
        )


def test_change_role_moves_the_account_and_audits_old_and_new(users, tree):
    user = user_change_role(
        actor=users["security_admin"],
        user=users["dispatcher"],
        role=Role.DISTRICT_COMMANDER,
        node=tree["320104"],
    )
    user.refresh_from_db()
    assert (user.role, user.node) == (Role.DISTRICT_COMMANDER, tree["320104"])
    entry = AuditEntry.objects.get(action="accounts.user_change_role")
    assert entry.detail["role"] == [Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER]
    assert entry.detail["node"] == ["320104001", "320104"]


def test_change_role_to_an_admin_role_sets_the_staff_flag(users, tree):
    user = user_change_role(
        actor=users["security_admin"], user=users["analyst"], role=Role.AUDITOR, node=tree["3201"]
    )
    assert user.is_staff


def test_accounts_outside_the_scope_are_not_found(district_security_admin, users, tree):
    with pytest.raises(NotFound):
        user_deactivate(actor=district_security_admin, user=users["sibling_commander"])
    with pytest.raises(NotFound):
        user_change_role(
            actor=district_security_admin,
            user=users["sibling_commander"],
            role=Role.DISTRICT_COMMANDER,
            node=tree["320104"],
        )


def test_nobody_changes_their_own_account(users):
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=users["security_admin"], user=users["security_admin"])


def test_deactivate(users):
    user = user_deactivate(actor=users["security_admin"], user=users["grid_worker"])
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEntry.objects.filter(action="accounts.user_deactivate").count() == 1
    with pytest.raises(Conflict):
        user_deactivate(actor=users["security_admin"], user=user)


@pytest.mark.parametrize("allowed", [True, False])
def test_no_action_sets_the_superuser_flag(users, settings, allowed):
    settings.ALLOW_SUPERUSER = allowed
    with pytest.raises(ValueError, match="is_superuser"):
        user_update(
            actor=users["security_admin"], user=users["analyst"], changes={"is_superuser": True}
        )
    users["analyst"].refresh_from_db()
    assert not users["analyst"].is_superuser


def test_superusers_deactivate(users, db):
    User.objects.create_superuser("root", password=GOOD)
    assert superusers_deactivate(actor=None) == ["root"]
    assert not User.objects.get(username="root").is_active
    assert superusers_deactivate(actor=None) == []


def test_api_token_is_stored_as_digest_and_shown_once(users):
    token, key = api_token_create(actor=users["analyst"], name=" report robot ")
    assert len(key) >= 43
    assert token.name == "report robot"
    assert token.prefix == key[:8]
    assert token.digest == ApiToken.digest_of(key)
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    entry = AuditEntry.objects.get(action="accounts.api_token_create")
    assert key not in str(entry.detail)


def test_api_token_name_is_checked(users):
    with pytest.raises(InvalidInput) as exc:
        api_token_create(actor=users["analyst"], name="  ")
    assert ("name", "invalid_name") in codes(exc)


def test_api_token_revoke(users):
    token, _ = api_token_create(actor=users["analyst"], name="robot")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=users["grid_worker"], token=token)
    api_token_revoke(actor=users["security_admin"], token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(Conflict):
        api_token_revoke(actor=users["analyst"], token=token)
    assert AuditEntry.objects.filter(action="accounts.api_token_revoke").count() == 1
