"""Own password changes and administrators' resets, through real HTTP: each audited, each
revoking the account's API tokens, and a reset leaving the administrator no working login."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.actions import api_token_create, user_password_change, user_password_reset
from gridgov.accounts.models import ApiToken, User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.testing.users import PASSWORD

CHANGE = "/accounts/password/"
LOGIN = "/accounts/login/"
ME = "/api/v1/accounts/me"
NEW = "Grid-New-Pass-2027"


def change(client: Client, old: str, new: str = NEW, again: str | None = None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def test_the_header_links_the_password_page(client_for):
    page = client_for("grid_worker").get("/")
    assert f'href="{CHANGE}"' in page.content.decode()
    assert client_for("grid_worker").get(CHANGE).status_code == 200


def test_a_user_changes_their_own_password_audited_and_tokens_revoked(users):
    user = users["grid_worker"]
    token, key = api_token_create(actor=user, name="robot")
    client = login(Client(), user)
    response = change(client, PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(ME).status_code == 200  # the session survives its own change
    entry = AuditEntry.objects.get(action="accounts.password_change")
    assert (entry.actor, entry.detail) == (user, {"after_reset": False, "tokens_revoked": 1})
    assert NEW not in str(entry.detail)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client(headers={"Authorization": f"Bearer {key}"}).get(ME).status_code == 401


def test_an_administrators_own_change_is_audited(users):
    admin = users["security_admin"]
    assert change(login(Client(), admin), PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.password_change", actor=admin).count() == 1


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "message"),
    [
        ("Wrong-Pass-2026", NEW, NEW, "old_password", "当前密码不正确"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password1", "请选择与当前密码不同的密码"),
        (PASSWORD, "password1234", "password1234", "new_password1", ""),
        (PASSWORD, NEW, NEW + "x", "new_password2", "两次输入的新密码不一致"),
    ],
)
def test_a_refused_change_names_the_field_in_chinese_and_changes_nothing(
    users, old, new, again, field, message
):
    user = users["grid_worker"]
    response = change(login(Client(), user), old, new, again)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.password_change").exists()


def test_a_reset_gives_a_one_time_password_that_only_sets_a_new_one(users):
    auditor = users["auditor"]
    api_token_create(actor=auditor, name="robot")
    admin = login(Client(), users["security_admin"])
    url = f"/admin/accounts/user/{auditor.pk}/password/"
    assert "one_time_password" not in admin.get(url).context
    shown = admin.post(url)
    assert shown.status_code == 200
    assert "no-cache" in shown["Cache-Control"]
    one_time = shown.context["one_time_password"]
    auditor.refresh_from_db()
    assert auditor.must_change_password
    assert not auditor.check_password(PASSWORD)
    assert not ApiToken.objects.filter(user=auditor, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="accounts.password_reset")
    assert (entry.actor, entry.target_id) == (users["security_admin"], str(auditor.pk))
    assert one_time not in str(entry.detail)

    # Logged in with it, the account reaches nothing but the change page and logout.
    client = Client()
    assert client.post(LOGIN, {"username": "au", "password": one_time}).status_code == 302
    for path in ("/", "/admin/", "/admin/audit/auditentry/", "/registry/"):
        page = client.get(path)
        assert (page.status_code, page["Location"]) == (302, CHANGE)
    api = client.get(ME)
    assert api.status_code == 403
    assert api.json()["code"] == "password_change_required"
    made = client.post("/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert made.status_code == 403
    assert not ApiToken.objects.filter(user=auditor, revoked_at__isnull=True).exists()
    assert client.get(CHANGE).context["forced"] is True

    assert change(client, one_time).status_code == 302
    auditor.refresh_from_db()
    assert not auditor.must_change_password
    assert client.get("/admin/audit/auditentry/").status_code == 200
    entry = AuditEntry.objects.get(action="accounts.password_change")
    assert entry.detail["after_reset"] is True


def test_a_reset_needs_an_account_manager_and_is_never_ones_own(users):
    with pytest.raises(PermissionDenied):
        user_password_reset(actor=users["dispatcher"], user=users["grid_worker"])
    with pytest.raises(PermissionDenied):
        user_password_reset(actor=users["security_admin"], user=users["security_admin"])
    assert login(Client(), users["system_admin"]).post(
        f"/admin/accounts/user/{users['auditor'].pk}/password/"
    ).status_code in (302, 403)
    users["auditor"].refresh_from_db()
    assert users["auditor"].check_password(PASSWORD)


def test_a_token_client_of_an_account_awaiting_its_change_is_refused(users):
    user = users["analyst"]
    _token, key = api_token_create(actor=user, name="robot")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    answer = Client(headers={"Authorization": f"Bearer {key}"}).get(ME)
    assert answer.status_code == 403
    assert answer.json()["code"] == "password_change_required"


def test_tokens_expire(users, settings):
    settings.API_TOKEN_DAYS = 30
    token, key = api_token_create(actor=users["analyst"], name="robot")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    assert bearer.get(ME).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert bearer.get(ME).status_code == 401
    listed = login(Client(), users["analyst"]).get("/api/v1/accounts/tokens").json()
    assert listed[0]["expires_at"]


def test_the_action_refuses_a_wrong_current_password(users):
    with pytest.raises(InvalidInput) as refused:
        user_password_change(actor=users["grid_worker"], old_password="x", new_password=NEW)
    assert [p.code for p in refused.value.problems] == ["wrong_password"]
