"""Reads for the demo commands, which run as the operator of the machine, not as an account.

They look at the demo city as a whole: whether it is seeded, and where each
demo account belongs in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.core.scope import Scope
from gridgov.demo.logins import DEMO_ACCOUNTS, DEMO_USERNAMES
from gridgov.demo.plan import QINHUAI, URBAN_MANAGEMENT, extract
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import GridKind, Level, Node
from gridgov.staffing.models import StaffKind, StaffMember

SEED_ACTION = "demo.city_seed"


def demo_city_code() -> str:
    return str(extract()["city"]["code"])


def demo_city_seeded() -> bool:
    """The city exists with districts below it (a reset keeps only the bare city node)."""
    city = Node.objects.visible_to(Scope.within(demo_city_code()))
    return city.filter(level=Level.DISTRICT).exists()


def demo_last_seed() -> dict[str, Any] | None:
    """Scale, seed and counts of the seed that built the current demo city."""
    # The seeder's own entry, written from the console.
    entry = AuditEntry.objects.unscoped().filter(action=SEED_ACTION).order_by("-at", "-id").first()
    return dict(entry.detail) if entry is not None else None


@dataclass
class DemoPlaces:
    city: Node
    district: Node
    subdistrict: Node
    sibling_subdistrict: Node
    community: Node
    grid: Node
    department: Department
    grid_worker: StaffMember | None

    def of(self, key: str) -> Node | Department:
        place: Node | Department = getattr(self, key)
        return place


def demo_places() -> DemoPlaces | None:
    """Qinhuai's first subdistrict, community and grid (one with a full-time worker)."""
    city = Node.objects.filter(code=demo_city_code()).first()
    district = Node.objects.filter(code=QINHUAI).first()
    department = Department.objects.filter(code=f"{QINHUAI}-{URBAN_MANAGEMENT}").first()
    subdistricts = list(Node.objects.filter(parent__code=QINHUAI).order_by("code")[:2])
    if city is None or district is None or department is None or len(subdistricts) < 2:
        return None
    community = Node.objects.filter(parent=subdistricts[0]).order_by("code").first()
    if community is None:
        return None
    grids = Node.objects.filter(parent=community, level=Level.GRID).order_by("code")
    staffed = grids.filter(
        grid_kind=GridKind.COMPREHENSIVE, assignments__staff__kind=StaffKind.FULL_TIME
    )
    grid = staffed.first() or grids.first()
    if grid is None:
        return None
    worker = (
        StaffMember.objects.filter(kind=StaffKind.FULL_TIME, assignments__grid=grid)
        .order_by("pk")
        .first()
    )
    return DemoPlaces(
        city=city,
        district=district,
        subdistrict=subdistricts[0],
        sibling_subdistrict=subdistricts[1],
        community=community,
        grid=grid,
        department=department,
        grid_worker=worker,
    )


@dataclass(frozen=True)
class LoginRow:
    role: str
    username: str
    where: str
    exists: bool


def demo_logins() -> list[LoginRow]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related(
            "node", "department"
        )
    }
    rows = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        place = (user.department or user.node) if user is not None else None
        where = f"{place.name} ({place.code})" if place is not None else "—"
        rows.append(
            LoginRow(
                role=str(Role(account.role).label),
                username=account.username,
                where=where,
                exists=user is not None and user.is_active,
            )
        )
    return rows
