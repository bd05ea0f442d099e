from __future__ import annotations

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node

PASSWORD = "Grid-Test-2026!"


def make_user(
    username: str, role: str, *, node: Node | None = None, department: Department | None = None
) -> User:
    user = User(
        username=username,
        role=role,
        node=node,
        department=department,
        is_staff=role in {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR},
    )
    user.set_password(PASSWORD)
    user.save()
    return user
