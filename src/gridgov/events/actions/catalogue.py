"""The catalogue's one write: loading the file of categories and their time limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import PermissionDenied
from gridgov.departments.models import Department
from gridgov.events.catalogue import parse_catalogue
from gridgov.events.categories import filing_categories_reset
from gridgov.events.models import Category, ReplyTemplate
from gridgov.events.workflow import Stage


@dataclass
class CatalogueResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unresolved_departments: list[str] = field(default_factory=list)


_CATEGORY_FIELDS = (
    "name",
    "parent_id",
    "department_code",
    "department_id",
    "severity",
    "register_minutes",
    "dispatch_minutes",
    "handle_minutes",
    "verify_minutes",
    "natural_time",
    "self_handle",
    "extra_fields",
    "active",
    "public",
)


def _may_load(actor: User | None) -> None:
    if actor is not None and not (actor.role == Role.SYSTEM_ADMIN or actor.is_trusted_superuser):
        raise PermissionDenied(_("Only a system administrator may load the catalogue."))


@transaction.atomic
def catalogue_load(*, actor: User | None, data: Any) -> CatalogueResult:
    """Make the stored catalogue equal the file; categories left out are deactivated, not
    deleted, because old events keep pointing at them. Loading the same file twice
    changes nothing."""
    _may_load(actor)
    specs = parse_catalogue(data)
    result = CatalogueResult()
    existing = Category.objects.in_bulk([s.code for s in specs], field_name="code")
    wanted = {s.department_code for s in specs if s.department_code}
    departments = Department.objects.in_bulk(wanted, field_name="code")
    ids: dict[str, int] = {}
    for spec in specs:
        department = departments.get(spec.department_code)
        values: dict[str, Any] = {
            "name": spec.name,
            "parent_id": ids.get(spec.parent_code),
            "department_code": spec.department_code,
            "department_id": department.pk if department else None,
            "severity": spec.severity,
            **{f"{stage}_minutes": spec.limits.get(stage, 0) for stage in Stage.values},
            "natural_time": spec.natural_time,
            "self_handle": spec.self_handle,
            "extra_fields": spec.extra_fields,
            "active": True,
            "public": spec.public,
        }
        row = existing.get(spec.code)
        if row is None:
            row = Category.objects.create(code=spec.code, **values)
            result.created.append(spec.code)
        elif all(getattr(row, name) == values[name] for name in _CATEGORY_FIELDS):
            result.unchanged.append(spec.code)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            result.updated.append(spec.code)
        ids[spec.code] = row.pk
    stale = Category.objects.exclude(code__in=ids).filter(active=True)
    result.deactivated = sorted(stale.values_list("code", flat=True))
    stale.update(active=False)
    # Now for this transaction's own reads, and at commit for what others read meanwhile.
    filing_categories_reset()
    transaction.on_commit(filing_categories_reset)
    result.unresolved_departments = sorted(wanted - departments.keys())
    audit_record(
        actor=actor,
        action="events.catalogue_load",
        target_type="events.category",
        detail={
            "created": len(result.created),
            "updated": len(result.updated),
            "deactivated": result.deactivated,
        },
    )
    return result


@transaction.atomic
def reply_templates_load(*, actor: User | None, data: dict[str, Any]) -> int:
    """Load reply templates shipped with the catalogue; a template already there (same category
    and title) keeps the text an administrator may have changed. Returns how many were added."""
    _may_load(actor)
    categories = {c.code: c for c in Category.objects.all()}
    added = 0
    for row in data["templates"]:
        category = categories.get(row["category"]) if row["category"] else None
        _template, created = ReplyTemplate.objects.get_or_create(
            category=category, title=row["title"], defaults={"body": row["body"]}
        )
        added += created
    audit_record(actor=actor, action="events.reply_templates_load", detail={"added": added})
    return added
