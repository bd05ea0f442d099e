"""The home page, login, lock-out, logout and the language switch through real HTTP."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.staffing.actions import staff_create
from gridgov.staffing.models import StaffKind
from gridgov.testing.users import PASSWORD, make_user


def test_home_needs_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_home_shows_my_jurisdiction(client_for, users, tree):
    staff_create(
        actor=users["dispatcher"],
        name="王芳",
        kind=StaffKind.FULL_TIME,
        home_node=tree["320104001001"],
        grids=[tree["320104001001001"]],
    )
    response = client_for("dispatcher").get("/")
    assert response.status_code == 200
    assert response.context["node"].code == "320104001"
    assert response.context["levels"] == [("社区", 1), ("网格", 2)]
    assert response.context["total"].population == 2000
    assert response.context["total"].worker_count == 1
    html = response.content.decode()
    assert "秦淮区北街道" in html
    assert "未配政法网格员的网格" in html
    assert html.count('<div class="gap">') == 2
    assert "320104001" in html


def test_home_is_chinese_by_default_and_english_after_switching(client_for):
    client = client_for("commander")
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "我的辖区" in html
    assert "退出登录" in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "My jurisdiction" in html
    assert "Log out" in html


def test_nav_shows_name_role_and_jurisdiction(client_for):
    html = client_for("community_staff").get("/").content.decode()
    assert "社区工作人员" in html
    assert "秦淮区北街道一社区" in html
    assert 'href="/admin/"' not in html


def test_admin_link_only_for_administrator_roles(client_for):
    for name in ("system_admin", "security_admin", "auditor"):
        assert 'href="/admin/"' in client_for(name).get("/").content.decode()
    assert 'href="/admin/"' not in client_for("commander").get("/").content.decode()


def test_login_through_the_form_and_log_out(users):
    client = Client()
    page = client.get("/accounts/login/?next=/staffing/coverage/")
    assert page.status_code == 200
    assert 'name="password"' in page.content.decode()
    response = client.post(
        "/accounts/login/",
        {"username": "sd", "password": PASSWORD, "next": "/staffing/coverage/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/staffing/coverage/"
    assert client.get("/").status_code == 200

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_chinese(users):
    response = Client().post("/accounts/login/", {"username": "sd", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_repeated_failures_show_the_locked_out_page(users):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "sd", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "sd", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "帐号已锁定" in html
    assert "分钟后再试" in html


def test_every_role_on_a_node_gets_a_home_page(client_for, users):
    for name in users:
        assert client_for(name).get("/").status_code == 200, name


def test_department_handler_sees_the_jurisdiction_their_department_serves(tree):
    department = Department.objects.create(
        code="320104-urban", name="秦淮区城市管理局", node=tree["320104"]
    )
    handler = make_user("dh", Role.DEPARTMENT_HANDLER, department=department)
    client = Client()
    client.force_login(handler, backend="gridgov.accounts.backends.RoleBackend")
    response = client.get("/")
    assert response.status_code == 200
    # The home is the department's desk; the header names the department, not a level.
    assert "秦淮区城市管理局" in response.content.decode()
    assert client.get("/jurisdiction/nodes/320104/").status_code == 200
    assert client.get("/jurisdiction/nodes/320105/").status_code == 404
