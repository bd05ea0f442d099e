"""The second factor (ADR 0014) through real HTTP: enrolment, login, backup codes, and its
enforcement on every admin and reveal path, pages and API, where OTP_REQUIRED is on."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts.actions import api_token_create, user_password_reset
from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.registry.tests.factories import make_records
from gridgov.testing.users import PASSWORD

LOGIN = "/accounts/login/"
VERIFY = "/accounts/otp/"
ENROL = "/accounts/otp/enrol/"
ME = "/api/v1/accounts/me"


@pytest.fixture
def required(settings: Any) -> None:
    settings.OTP_REQUIRED = True


def code(device: TOTPDevice) -> str:
    """The authenticator's current code; a code is accepted once per time step and a failure
    throttles the device for a second, so both are wound back as if time had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def verified_client(user: User) -> Client:
    client = login(Client(), user)
    assert (
        client.post(VERIFY, {"token": code(TOTPDevice.objects.get(user=user))}).status_code == 302
    )
    return client


def test_not_required_in_development(users: dict[str, User], settings: Any) -> None:
    assert settings.OTP_REQUIRED is False
    assert login(Client(), users["auditor"]).get("/admin/").status_code == 200


def test_enrolment_then_login_with_the_authenticator_or_a_backup_code(
    users: dict[str, User], required: None
) -> None:
    client = Client()
    assert client.post(LOGIN, {"username": "au", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/")["Location"] == VERIFY
    assert client.get(VERIFY)["Location"] == ENROL
    refused = client.get(ME)
    assert (refused.status_code, refused.json()["code"]) == (403, "second_factor_required")

    page = client.get(ENROL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body
    assert "扫描" in body
    device = TOTPDevice.objects.get(user=users["auditor"], confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url
    wrong = client.post(ENROL, {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert "验证码不正确" in " ".join(wrong.context["form"].errors["token"])

    done = client.post(ENROL, {"token": code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    assert client.get(ME).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.otp_enrol").count() == 1

    # The next login: a backup code works once, then the authenticator.
    again = Client()
    again.post(LOGIN, {"username": "au", "password": PASSWORD})
    assert again.get("/admin/audit/auditentry/")["Location"] == VERIFY
    assert again.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert again.get("/admin/audit/auditentry/").status_code == 200
    assert AuditEntry.objects.get(action="accounts.otp_backup_code_used").detail == {"left": 9}
    third = Client()
    third.post(LOGIN, {"username": "au", "password": PASSWORD})
    assert third.post(VERIFY, {"token": codes[0]}).status_code == 422
    assert third.post(VERIFY, {"token": code(device)}).status_code == 302
    assert third.get(ME).status_code == 200

    # A verified session may replace the authenticator and renew the backup codes.
    assert third.get(ENROL).context["replacing"] is True
    renewed = third.post("/accounts/otp/backup-codes/")
    assert len(renewed.context["codes"]) == 10
    assert not StaticToken.objects.filter(token=codes[1]).exists()


def test_a_role_that_reveals_personal_data_needs_it_on_pages_and_api(
    users: dict[str, User], required: None
) -> None:
    staff = users["community_staff"]
    records = make_records(staff)
    enrolled(staff)
    unmask = f"/registry/people/{records.person.pk}/unmask"
    client = login(Client(), staff)
    page = client.post(unmask, {"field": "phone", "purpose": "回访"})
    assert (page.status_code, page["Location"]) == (302, VERIFY)
    api = client.post(
        f"/api/v1/registry/people/{records.person.pk}/unmask",
        {"field": "phone", "purpose": "回访"},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["code"]) == (403, "second_factor_required")
    _token, old_key = api_token_create(actor=staff, name="before")
    bearer = Client(headers={"Authorization": f"Bearer {old_key}"})
    assert bearer.get(ME).json()["code"] == "second_factor_required"
    assert not AuditEntry.objects.filter(action="registry.unmask").exists()

    client = verified_client(staff)
    assert client.post(unmask, {"field": "phone", "purpose": "回访"}).status_code == 200
    made = client.post(
        "/api/v1/accounts/tokens", {"name": "after"}, content_type="application/json"
    )
    key = made.json()["key"]
    assert Client(headers={"Authorization": f"Bearer {key}"}).get(ME).status_code == 200


def test_roles_that_reveal_nothing_and_administer_nothing_need_no_second_factor(
    users: dict[str, User], required: None
) -> None:
    for name in ("grid_worker", "analyst"):
        assert login(Client(), users[name]).get("/").status_code == 200


def test_the_second_factor_comes_before_the_password_change_after_a_reset(
    users: dict[str, User], required: None
) -> None:
    """The administrator who reset the password knows the one-time one, not the factor."""
    auditor = users["auditor"]
    enrolled(auditor)
    one_time = user_password_reset(actor=users["security_admin"], user=auditor)
    client = Client()
    assert client.post(LOGIN, {"username": "au", "password": one_time}).status_code == 302
    assert client.get("/accounts/password/")["Location"] == VERIFY
    assert (
        client.post(VERIFY, {"token": code(TOTPDevice.objects.get(user=auditor))}).status_code
        == 302
    )
    assert client.get("/admin/")["Location"] == "/accounts/password/"


def test_the_security_admin_resets_a_lost_second_factor_and_never_sees_a_secret(
    users: dict[str, User], required: None
) -> None:
    auditor = users["auditor"]
    enrolled(auditor)
    admin = login(Client(), users["security_admin"])
    enrolled(users["security_admin"])
    admin.post(VERIFY, {"token": code(TOTPDevice.objects.get(user=users["security_admin"]))})
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin.get("/admin/otp_static/staticdevice/").status_code == 404
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [auditor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    entry = AuditEntry.objects.get(action="accounts.otp_reset")
    assert (entry.actor, entry.target_id) == (users["security_admin"], str(auditor.pk))
