"""The MLPS 2.0 settings, checked by what the running site actually does."""

import os
import secrets
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from gridgov.testing.users import PASSWORD

LOGIN = "/accounts/login/"
ME = "/api/v1/accounts/me"
REPO = next(p for p in Path(__file__).resolve().parents if (p / "manage.py").exists())


def test_passwords_are_hashed_with_argon2(users):
    assert users["grid_worker"].password.startswith("argon2")


def test_pbkdf2_hashes_are_upgraded_to_argon2_on_login(users):
    from django.contrib.auth.hashers import make_password

    user = users["grid_worker"]
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    response = Client().post(LOGIN, {"username": "gw", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_login_page_logs_in(users):
    client = Client()
    assert client.get(LOGIN).status_code == 200
    response = client.post(LOGIN, {"username": "gw", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(ME).json()["username"] == "gw"


def fail(client: Client, username: str = "gw") -> Any:
    return client.post(LOGIN, {"username": username, "password": "Wrong-Password-1"})


def test_axes_locks_the_account_and_address_after_the_failure_limit(users):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(limit - 1):
        assert fail(client).status_code == 200
    locked = fail(client)
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    # Locked even with the right password now.
    right = client.post(LOGIN, {"username": "gw", "password": PASSWORD})
    assert right.status_code == 429
    assert client.get(ME).status_code == 401
    # Other accounts from other addresses are not affected.
    assert (
        Client(REMOTE_ADDR="10.0.0.2")
        .post(LOGIN, {"username": "sd", "password": PASSWORD})
        .status_code
        == 302
    )


def test_axes_locks_a_username_tried_from_many_addresses(users):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(Client(REMOTE_ADDR=f"10.1.0.{n}"))
    right = Client(REMOTE_ADDR="10.1.1.1").post(LOGIN, {"username": "gw", "password": PASSWORD})
    assert right.status_code == 429


def test_axes_locks_an_address_trying_many_usernames(users):
    client = Client(REMOTE_ADDR="10.2.0.1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, username=f"nobody{n}")
    assert client.post(LOGIN, {"username": "gw", "password": PASSWORD}).status_code == 429
    assert (
        Client(REMOTE_ADDR="10.2.0.2")
        .post(LOGIN, {"username": "gw", "password": PASSWORD})
        .status_code
        == 302
    )


def test_success_before_the_limit_resets_the_count(users):
    client = Client(REMOTE_ADDR="10.0.0.3")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        fail(client)
    assert client.post(LOGIN, {"username": "gw", "password": PASSWORD}).status_code == 302
    assert not AccessAttempt.objects.filter(username="gw", ip_address="10.0.0.3").exists()


def session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_idle_timeout_is_renewed_by_every_request(users):
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    client = Client()
    client.post(LOGIN, {"username": "gw", "password": PASSWORD})
    session = session_of(client)
    assert abs(session.expire_date - (timezone.now() + idle)) < timedelta(seconds=30)

    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    response = client.get(ME)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert abs(session_of(client).expire_date - (timezone.now() + idle)) < timedelta(seconds=30)


def test_an_idle_session_ends(users):
    client = Client()
    client.post(LOGIN, {"username": "gw", "password": PASSWORD})
    session = session_of(client)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(ME).status_code == 401


def test_session_cookie_max_age_is_the_idle_timeout(users, settings):
    """Where the cookie outlives the browser, it carries the idle timeout and is renewed."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    client = Client()
    login = client.post(LOGIN, {"username": "gw", "password": PASSWORD})
    for response in (login, client.get(ME), client.get(ME)):
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["max-age"] == settings.SESSION_IDLE_MINUTES * 60


@pytest.mark.parametrize("password", ["password1234", "abcdefghijkl", "gridgov20261"])
def test_simple_passwords_are_refused(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert "password_too_simple" in {e.code for e in exc.value.error_list}


@pytest.mark.parametrize("password", ["Grid-Demo-2026", "grid-demo-2026!", "网格Grid2026治理"])
def test_mixed_passwords_are_accepted(password):
    validate_password(password)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_production_deploy_check_passes_and_refuses_an_active_superuser(tmp_path):
    db = tmp_path / "deploy.sqlite3"
    env = {
        **os.environ,
        "GRIDGOV_ENV": "production",
        "GRIDGOV_SECRET_KEY": secrets.token_urlsafe(64),
        "GRIDGOV_ALLOWED_HOSTS": "gridgov.example.org",
        "DATABASE_URL": f"sqlite:///{db}",
        "GRIDGOV_VAR_DIR": str(tmp_path),
    }
    for name in ("GRIDGOV_DEBUG", "GRIDGOV_ALLOW_SUPERUSER", "GRIDGOV_SSL_REDIRECT"):
        env.pop(name, None)
    migrated = manage("migrate", "--no-input", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr

    clean = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert clean.returncode == 0, clean.stderr
    assert "no issues" in clean.stdout
    shown = manage(
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings as s; print(s.OTP_REQUIRED, s.API_DOCS_PUBLIC)",
        env=env,
    )
    assert shown.stdout.split() == ["True", "False"], shown.stderr

    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, role, display_name, must_change_password)"
            " VALUES ('!', 1, 'root', '', '', '', 1, 1, '2026-01-01 00:00:00', '', '', 0)"
        )
    failing = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert failing.returncode != 0
    assert "gridgov.E001" in failing.stderr
    assert "root" in failing.stderr
