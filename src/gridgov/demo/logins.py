"""The demo accounts: one per role, each placed where that role works.

Usernames are short so a presenter can type them; every account shares one
password that passes the production complexity rules, so the demo needs no
relaxed settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.accounts.roles import Role

DEMO_PASSWORD = "Grid-Demo-2026"  # noqa: S105 — published on purpose: demo data only
DEMO_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    place: str  # a key of selectors.DemoPlaces


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("gw", Role.GRID_WORKER, "grid"),
    DemoAccount("cs", Role.COMMUNITY_STAFF, "community"),
    DemoAccount("sd", Role.SUBDISTRICT_DISPATCHER, "subdistrict"),
    DemoAccount("sd2", Role.SUBDISTRICT_DISPATCHER, "sibling_subdistrict"),
    DemoAccount("dc", Role.DISTRICT_COMMANDER, "district"),
    # The city's command centre: at city scale it imports the registry files of every
    # district but Qinhuai (whose commander imports its own).
    DemoAccount("cc", Role.DISTRICT_COMMANDER, "city"),
    DemoAccount("dh", Role.DEPARTMENT_HANDLER, "department"),
    DemoAccount("an", Role.ANALYST, "district"),
    DemoAccount("sysadmin", Role.SYSTEM_ADMIN, "city"),
    DemoAccount("secadmin", Role.SECURITY_ADMIN, "city"),
    DemoAccount("auditor", Role.AUDITOR, "city"),
    # A third-party assessment organisation engaged by the district: it sees its assignments.
    DemoAccount("tp", Role.THIRD_PARTY_ASSESSOR, "district"),
)
DEMO_USERNAMES = tuple(account.username for account in DEMO_ACCOUNTS)
