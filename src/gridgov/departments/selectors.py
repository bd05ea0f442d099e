"""Every read of departments, scoped to the caller's jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.core.scope import ScopedQuerySet
from gridgov.departments.models import Department
from gridgov.jurisdiction.selectors import scope_of

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def departments_visible(user: User) -> ScopedQuerySet[Department]:
    """Departments serving a node inside the user's jurisdiction."""
    return Department.objects.visible_to(scope_of(user)).select_related("node")


def department_get(user: User, code: str) -> Department:
    department = departments_visible(user).filter(code=code).first()
    if department is None:
        raise NotFound(
            _("No such department: %(code)s") % {"code": code}, code="department_not_found"
        )
    return department
