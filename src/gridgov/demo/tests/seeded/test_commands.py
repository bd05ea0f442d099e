from django.test import Client

from gridgov.demo.logins import DEMO_PASSWORD, DEMO_URL, DEMO_USERNAMES
from gridgov.demo.tests.seeded.city import logins


def test_demo_logins_lists_every_account_with_its_place_and_the_url(seeded):
    lines = logins().splitlines()
    assert lines[0].split()[:3] == ["Role", "Username", "Password"]
    for username in DEMO_USERNAMES:
        row = next(line for line in lines if f"  {username}  " in line)
        assert DEMO_PASSWORD in row
    assert any("秦淮区城市管理局" in line for line in lines)
    assert any("南京市 (3201)" in line for line in lines)
    assert DEMO_URL in lines[-1]


def test_the_printed_login_works_on_the_login_page(seeded):
    client = Client()
    response = client.post("/accounts/login/", {"username": "gw", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.username == "gw"
