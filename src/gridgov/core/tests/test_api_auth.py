"""Authentication and the error format of the API root, through real HTTP."""

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from gridgov.accounts.actions import api_token_create, api_token_revoke
from gridgov.accounts.models import ApiToken
from gridgov.conftest import login
from gridgov.placement.actions import user_deactivate

TOKENS = "/api/v1/accounts/tokens"
ME = "/api/v1/accounts/me"


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie secret and a masked token for it, as a page would hand them out."""
    request = RequestFactory().get("/")
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


@pytest.fixture
def strict_client(users):
    return login(Client(enforce_csrf_checks=True), users["analyst"])


def test_session_post_without_csrf_token_is_refused(strict_client):
    response = strict_client.post(TOKENS, {"name": "robot"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()


def test_session_post_with_csrf_token_is_accepted(strict_client):
    secret, token = csrf_pair()
    strict_client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = strict_client.post(
        TOKENS, {"name": "robot"}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    wrong = strict_client.post(
        TOKENS,
        {"name": "robot"},
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 32},
    )
    assert wrong.status_code == 403


def test_session_get_needs_no_csrf_token(strict_client):
    assert strict_client.get(ME).status_code == 200


def test_bearer_post_needs_no_csrf_token(users):
    _, key = api_token_create(actor=users["analyst"], name="robot")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    response = client.post(TOKENS, {"name": "second"}, content_type="application/json")
    assert response.status_code == 201


def test_unauthenticated_gets_json_401(db):
    for response in (Client().get(ME), Client().post(TOKENS, {}, content_type="application/json")):
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("key", ["", "not-a-token", "x" * 43])
def test_unknown_bearer_tokens_are_refused(db, key):
    assert Client(headers={"Authorization": f"Bearer {key}"}).get(ME).status_code == 401


def test_revoked_token_is_refused(users):
    token, key = api_token_create(actor=users["analyst"], name="robot")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get(ME).status_code == 200
    api_token_revoke(actor=users["analyst"], token=token)
    assert client.get(ME).status_code == 401


def test_inactive_users_token_and_session_are_refused(users):
    _, key = api_token_create(actor=users["grid_worker"], name="robot")
    session = login(Client(), users["grid_worker"])
    user_deactivate(actor=users["security_admin"], user=users["grid_worker"])
    assert Client(headers={"Authorization": f"Bearer {key}"}).get(ME).status_code == 401
    assert session.get(ME).status_code == 401


def test_validation_errors_name_the_field(client_for):
    response = client_for("analyst").post(TOKENS, {}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == [
        {"field": "name", "code": "missing", "message": body["errors"][0]["message"]}
    ]
    bad_path = client_for("analyst").delete(f"{TOKENS}/abc")
    assert bad_path.status_code == 422
    assert bad_path.json()["errors"][0]["field"] == "token_id"


def test_domain_errors_use_the_same_format(client_for):
    response = client_for("analyst").delete(f"{TOKENS}/999999")
    assert response.status_code == 404
    assert response.json() == {"code": "token_not_found", "message": response.json()["message"]}


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_docs_are_public_in_development(path, db):
    assert Client().get(path).status_code == 200


def test_docs_need_a_login_in_production(users, settings):
    settings.API_DOCS_PUBLIC = False
    page = Client().get("/api/v1/docs")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/?next=/api/v1/docs")
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 401
    assert schema.json()["code"] == "unauthenticated"
    client = login(Client(), users["analyst"])
    assert client.get("/api/v1/docs").status_code == 200
    assert "/api/v1/accounts/me" in client.get("/api/v1/openapi.json").json()["paths"]
