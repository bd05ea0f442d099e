"""Every write of departments: atomic and audited.

The system administrator keeps departments in the admin, whose form has already checked the
fields and the caller's scope; these write the row and the audit entry together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from gridgov.audit.actions import audit_record
from gridgov.departments.models import Department

if TYPE_CHECKING:
    from gridgov.accounts.models import User


@transaction.atomic
def department_save(
    *, actor: User, department: Department, fields: Sequence[str], created: bool
) -> Department:
    """Store a department the admin's form filled in; `fields` names what the form changed."""
    department.save()
    audit_record(
        actor=actor,
        action=f"departments.admin_{'add' if created else 'change'}",
        target=department,
        detail={"fields": list(fields)},
    )
    return department


@transaction.atomic
def department_delete(*, actor: User, department: Department) -> None:
    """Remove a department nothing points at any more (users and events PROTECT it)."""
    audit_record(
        actor=actor,
        action="departments.admin_delete",
        target=department,
        detail={"code": department.code, "name": department.name},
    )
    department.delete()
