"""The menu reaches every page a role may use, and offers none it may not.

"A page" is a route without arguments that answers GET with a whole page (the header and its
menu); fragments, the API and the admin's inner pages are not pages. A page a role may open
that its menu leaves out must be listed in OFF_MENU with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gridgov.accounts.models import User
from gridgov.accounts.roles import ADMIN_ROLES
from gridgov.conftest import login
from gridgov.testing.decisions import make_assessor
from gridgov.testing.tree import Tree
from gridgov.web.menu import MENU, menu_for

ROLES = [
    "grid_worker",
    "community_staff",
    "dispatcher",
    "commander",
    "handler",
    "analyst",
    "system_admin",
    "security_admin",
    "auditor",
    "assessor",
]

# The service pages administrators can open but whose work is not theirs (roles.py: they run
# the platform, not the service); they find nothing to do there and no menu sends them.
_ADMINS = frozenset({"system_admin", "security_admin", "auditor"})
_SERVICE_PAGES = {
    "/registry/",
    "/verification/",
    "/assessment/",
    "/assessment/ranking/",
    "/exports/",
    "/addresses/",
    "/command/",
    "/command/mine/",
    "/decisions/",
    "/rentals/",
    "/reports/",
}
# The pages a limited account (a third-party assessor) can open and finds empty, its scope
# being its assignments; no menu sends it there.
_LIMITED = frozenset({"assessor"})
_EMPTY_FOR_LIMITED = {
    "/worktime/years/",
    "/whistle/",
    "/addresses/",
    "/registry/",
    "/verification/",
    "/exports/",
    "/rentals/",
    "/reports/",
    "/command/",
    "/command/mine/",
}
OFF_MENU: dict[str, tuple[frozenset[str], str]] = {
    "/residents/": (frozenset(ROLES), "the residents' public page, reached without an account"),
    "/residents/status/": (frozenset(ROLES), "the residents' public status page"),
    "/residents/map/": (frozenset(ROLES), "the residents' public map"),
    "/residents/grid-worker/": (frozenset(ROLES), "the residents' public lookup of a grid worker"),
    "/notifications/": (frozenset(ROLES), "the inbox link in the header, with the unread count"),
    "/notifications/preferences/": (frozenset(ROLES), "reached from the inbox"),
    "/accounts/password/": (frozenset(ROLES), "linked beside the user's name in the header"),
    "/accounts/login/": (frozenset(ROLES), "the sign-in page, for those not signed in"),
    "/accounts/otp/": (frozenset(ROLES), "the second factor's step after signing in"),
    "/accounts/otp/enrol/": (frozenset(ROLES), "asked for by the second factor's own steps"),
    "/accounts/otp/backup-codes/": (frozenset(ROLES), "reached from the second factor's steps"),
    "/verification/declare/": (
        frozenset(ROLES),
        "a declaration starts from the verification page, with the kind of record chosen",
    ),
    "/whistle/": (
        _ADMINS | {"handler"},
        "a department follows whistles as its summonses; administrators: not their work",
    ),
    "/campaigns/new/": (
        frozenset({"dispatcher", "commander"}),
        "a campaign is defined from the campaigns page, from a template or empty",
    ),
    "/decisions/new/": (frozenset(ROLES), "registering starts from the decisions list"),
    "/decisions/assessments/": (
        frozenset(ROLES) - {"dispatcher", "commander", "assessor"},
        "reached from the decisions list by those who do not commission assessments",
    ),
    **{path: (_ADMINS, "not their work") for path in _SERVICE_PAGES},
}
for _path in _EMPTY_FOR_LIMITED:
    _roles, _why = OFF_MENU.get(_path, (frozenset(), ""))
    OFF_MENU[_path] = (_roles | _LIMITED, _why or "a limited account finds it empty")


def page_paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = str(entry.pattern)
        if "<" in route or route.startswith(("api/", "admin/", "open311/", "i18n/")):
            continue
        if isinstance(entry, URLResolver):
            yield from page_paths(entry.url_patterns, prefix + route)
        else:
            yield "/" + prefix + route


@pytest.fixture
def everyone(users: dict[str, User], loop_users: dict[str, User], tree: Tree) -> dict[str, User]:
    return {**loop_users, "assessor": make_assessor("tp", tree["320104"])}


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens_for_its_roles(everyone: dict[str, User], role: str) -> None:
    client = login(Client(), everyone[role])
    entries = [e for _, section in menu_for(everyone[role]) for e in section]
    assert entries
    for entry in entries:
        answer = client.get(reverse(entry.url_name), follow=True)
        assert answer.status_code == 200, entry.url_name


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_use_is_in_its_menu(everyone: dict[str, User], role: str) -> None:
    user = everyone[role]
    client = login(Client(), user)
    menu = {reverse(e.url_name) for _, section in menu_for(user) for e in section}
    html = client.get("/").content.decode()
    for path in menu:
        assert f'href="{path}"' in html, path
    missing = []
    for path in page_paths(get_resolver().url_patterns):
        answer = client.get(path, follow=True)
        is_page = answer.status_code == 200 and 'id="mainnav"' in answer.content.decode()
        off = OFF_MENU.get(path)
        if is_page and path not in menu and not (off and role in off[0]):
            missing.append(path)
    assert not missing


def test_administrators_have_their_consoles_and_no_service_work() -> None:
    for entry in MENU:
        if entry.url_name == "admin:index":
            assert entry.roles == ADMIN_ROLES
        if entry.url_name in {"events:queue", "events:report", "registry:search"}:
            assert not entry.roles & ADMIN_ROLES
