from __future__ import annotations

from functools import cache

from django.contrib.auth.hashers import make_password

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node

PASSWORD = "Grid-Test-2026!"


@cache
def password_hash() -> str:
    """Argon2 is slow by design; hash the shared test password once per process."""
    return make_password(PASSWORD)


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
    user.password = password_hash()
    user.save()
    return user
