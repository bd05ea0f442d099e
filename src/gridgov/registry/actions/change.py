"""A partial change: some fields of one record, the rest left exactly as stored.

Verification applies a grid worker's decision through here: only the fields
that change are validated and written, a personal value is sealed anew
(crypto.seal), and nothing stored is decrypted to be written back.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.core import crypto
from gridgov.core.errors import ProblemList
from gridgov.registry.actions import (
    _check_visible,
    _field_problems,
    _require_writer,
    home_checks,
    person_checks,
)
from gridgov.registry.models import Home, Person, Provenance
from gridgov.registry.records import SPECS, RecordKind

if TYPE_CHECKING:
    from gridgov.accounts.models import User

INVALID: dict[str, Promise] = {
    RecordKind.PERSON: _("The person's data is not valid."),
    RecordKind.HOME: _("The home's data is not valid."),
    RecordKind.ORGANISATION: _("The organisation's data is not valid."),
}


@transaction.atomic
def record_change(
    *,
    actor: User,
    kind: str,
    record: Provenance,
    values: dict[str, Any],
    source: str,
    source_time: datetime | None,
    verified: bool = False,
) -> Provenance:
    """Set `values` (typed, by field name) on the record, writing only those that differ; with
    `verified`, stamp it checked on the ground by the actor now. The source is the changed
    values' (or, with no values, the record's own, passed back)."""
    _require_writer(actor)
    spec = SPECS[kind]
    _check_visible(actor, record, RecordKind(kind).label)
    problems = ProblemList()
    unknown = [name for name in values if name not in spec.by_name or name in spec.key]
    for name in unknown:
        problems.add("unknown_field", _("This field cannot be changed here."), field=name)
    plain = {
        n: v
        for n, v in values.items()
        if n not in unknown and not spec[n].personal and getattr(record, n) != v
    }
    for name, value in plain.items():
        setattr(record, name, value)
    if isinstance(record, Person):
        person_checks(problems, moved_in=record.moved_in, moved_out=record.moved_out)
    if isinstance(record, Home):
        home_checks(problems, floor_area=record.floor_area)
    _field_problems(
        problems,
        record,
        exclude=[f.name for f in spec.model._meta.concrete_fields if f.name not in plain],
    )
    problems.raise_if_any(INVALID[kind])
    changed = list(plain)
    ring = crypto.keyring()
    for name, value in values.items():
        if name in unknown or not spec[name].personal:
            continue
        sealed = crypto.seal(value, f"{kind}.{name}", ring=ring)
        if sealed.index != getattr(record, f"{name}_index"):
            for column, stored in sealed.columns(name).items():
                setattr(record, column, stored)
                changed.append(column)
    record.source = source.strip()
    record.source_time = source_time
    stamped = ["source", "source_time"]
    if verified:
        record.verified_at = timezone.now()
        record.verified_by = actor
        stamped += ["verified_at", "verified_by"]
    record.save(update_fields=[*changed, *stamped, "updated_at"])
    audit_record(
        actor=actor,
        action="registry.record_change",
        target=record,
        detail={"kind": kind, "changed": sorted(changed), "verified": verified},
    )
    return record
