import io

import pytest
from django.core.management import CommandError, call_command

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry

GOOD = "Grid-Demo-2026"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_account_bootstraps_a_security_admin(tree, monkeypatch):
    monkeypatch.setenv("GRIDGOV_NEW_PASSWORD", GOOD)
    out = run(
        "create_account", "sec1", "security_admin", "--node", "3201", "--display-name", "安全员"
    )
    assert "sec1" in out
    user = User.objects.get(username="sec1")
    assert user.check_password(GOOD)
    assert user.is_staff
    assert not user.is_superuser
    assert not user.must_change_password  # the operator sets the owner's own password
    entry = AuditEntry.objects.get(action="accounts.user_create")
    assert entry.actor is None


def test_create_account_on_a_department(tree, monkeypatch):
    from gridgov.departments.models import Department

    Department.objects.create(code="CG-320104", name="秦淮城管", node=tree["320104"])
    monkeypatch.setenv("GRIDGOV_NEW_PASSWORD", GOOD)
    run("create_account", "h1", "department_handler", "--department", "CG-320104")
    assert User.objects.get(username="h1", department__code="CG-320104")


def test_create_account_reports_every_problem(tree, monkeypatch):
    monkeypatch.setenv("GRIDGOV_NEW_PASSWORD", "password1234")
    with pytest.raises(CommandError) as exc:
        run("create_account", "x", "system_admin", "--node", "320104001")
    assert "node" in str(exc.value)
    assert "password" in str(exc.value)
    assert not User.objects.filter(username="x").exists()


def test_create_account_needs_a_known_place_and_a_password(tree, monkeypatch):
    monkeypatch.setenv("GRIDGOV_NEW_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="No jurisdiction node"):
        run("create_account", "x", "auditor", "--node", "9999")
    monkeypatch.delenv("GRIDGOV_NEW_PASSWORD")
    with pytest.raises(CommandError, match="GRIDGOV_NEW_PASSWORD"):
        run("create_account", "x", "auditor", "--node", "3201")


def test_deactivate_superusers(db):
    User.objects.create_superuser("root", password=GOOD)
    assert "root" in run("deactivate_superusers")
    assert not User.objects.get(username="root").is_active
    assert "No active superuser" in run("deactivate_superusers")
    assert AuditEntry.objects.filter(action="accounts.superuser_deactivate").count() == 1
