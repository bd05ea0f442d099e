import pytest

from gridgov.accounts.roles import Role
from gridgov.accounts.selectors import api_token_get, api_tokens_of, user_get, users_visible
from gridgov.core.errors import NotFound
from gridgov.testing.users import make_user


def test_users_visible_follows_the_subtree_and_departments(
    users, departments, district_security_admin
):
    inside = make_user("h1", Role.DEPARTMENT_HANDLER, department=departments["qinhuai"])
    outside = make_user("h2", Role.DEPARTMENT_HANDLER, department=departments["jianye"])
    visible = set(users_visible(district_security_admin).values_list("username", flat=True))
    assert {"gw", "cs", "sd", "dc", "sd2", "se-qh", inside.username} == visible
    assert outside.username not in visible
    assert users["commander"] in users_visible(users["security_admin"])


def test_user_get_outside_scope_is_not_found(users, district_security_admin):
    assert user_get(district_security_admin, users["dispatcher"].pk) == users["dispatcher"]
    with pytest.raises(NotFound):
        user_get(district_security_admin, users["sibling_commander"].pk)
    with pytest.raises(NotFound):
        user_get(district_security_admin, 999999)


def test_tokens_are_listed_only_to_their_owner(users):
    from gridgov.accounts.actions import api_token_create

    token, _ = api_token_create(actor=users["analyst"], name="robot")
    assert list(api_tokens_of(users["analyst"])) == [token]
    assert not api_tokens_of(users["security_admin"]).exists()
    with pytest.raises(NotFound):
        api_token_get(users["security_admin"], token.pk)
