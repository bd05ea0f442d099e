import pytest
from django.test import Client

from gridgov.accounts.actions import api_token_create
from gridgov.accounts.models import ApiToken
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login

BASE = "/api/v1/accounts"


def test_me_describes_the_calling_account(client_for):
    body = client_for("dispatcher").get(f"{BASE}/me").json()
    assert body["username"] == "sd"
    assert body["role"] == "subdistrict_dispatcher"
    assert body["node"] == {"code": "320104001", "name": "秦淮区北街道"}
    assert body["department"] is None
    assert body["capabilities"] == [
        "manage_staff",
        "unmask",
        "write_registry",
        "propose_correction",
        "read_grid_figures",
        "read_event_figures",
        "score_handling",
        "manage_decisions",
    ]


def test_me_for_a_department_handler(departments, db):
    from gridgov.accounts.roles import Role
    from gridgov.testing.users import make_user

    handler = make_user("h1", Role.DEPARTMENT_HANDLER, department=departments["qinhuai"])
    body = login(Client(), handler).get(f"{BASE}/me").json()
    assert body["node"] is None
    assert body["department"] == {"code": "CG-320104", "name": "秦淮城管"}
    assert body["capabilities"] == ["propose_correction"]


def test_token_lifecycle_over_http(client_for, users):
    client = client_for("analyst")
    created = client.post(f"{BASE}/tokens", {"name": "robot"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "name", "key", "prefix", "expires_at"}
    assert body["key"].startswith(body["prefix"])

    bearer = Client(headers={"Authorization": f"Bearer {body['key']}"})
    assert bearer.get(f"{BASE}/me").json()["username"] == "an"

    listed = client.get(f"{BASE}/tokens").json()
    assert [t["prefix"] for t in listed] == [body["prefix"]]
    assert "key" not in listed[0]
    assert "digest" not in listed[0]
    assert listed[0]["last_used_at"] is not None

    assert client.delete(f"{BASE}/tokens/{body['id']}").status_code == 204
    assert bearer.get(f"{BASE}/me").status_code == 401
    assert client.delete(f"{BASE}/tokens/{body['id']}").json()["code"] == "already_revoked"


def test_another_accounts_token_is_not_found(client_for, users):
    token, _ = api_token_create(actor=users["analyst"], name="robot")
    response = client_for("dispatcher").delete(f"{BASE}/tokens/{token.pk}")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_name_is_validated(client_for):
    response = client_for("analyst").post(
        f"{BASE}/tokens", {"name": "x" * 65}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    response = client_for("analyst").post(
        f"{BASE}/tokens", {"name": " "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "name",
            "code": "invalid_name",
            "message": response.json()["errors"][0]["message"],
        }
    ]
    assert not AuditEntry.objects.exists()


def test_users_list_is_scoped(users, departments, district_security_admin):
    client = login(Client(), district_security_admin)
    body = client.get(f"{BASE}/users").json()
    names = {u["username"] for u in body["items"]}
    assert "dc" in names
    assert "dc2" not in names
    assert body["count"] == len(names)


def test_user_detail_outside_scope_is_404(users, district_security_admin):
    client = login(Client(), district_security_admin)
    ok = client.get(f"{BASE}/users/{users['dispatcher'].pk}")
    assert ok.status_code == 200
    assert ok.json()["node"]["code"] == "320104001"
    assert ok.json()["is_active"] is True
    missing = client.get(f"{BASE}/users/{users['sibling_commander'].pk}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "user_not_found"


@pytest.mark.parametrize("name", ["dispatcher", "system_admin", "auditor"])
def test_users_need_the_manage_accounts_capability(client_for, users, name):
    client = client_for(name)
    assert client.get(f"{BASE}/users").status_code == 403
    response = client.get(f"{BASE}/users/{users['grid_worker'].pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
