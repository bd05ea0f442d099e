"""Which fields of each record kind a source may propose, and how their values read and show.

Derived from the registry's record specs (registry.records): the proposable
fields, in the spec's order. A value arrives as JSON (a department file, an
API push, a phone form) and is parsed into the record's Python type before it
is compared, stored or applied; a personal field (the phone) is compared
through its blind index and shown only masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from gridgov.core import crypto
from gridgov.core.errors import ProblemList
from gridgov.registry.models import Provenance
from gridgov.registry.records import SPECS, RecordField

PHONE = "phone"

FIELDS: Mapping[str, Mapping[str, RecordField]] = {
    kind: {f.name: f for f in spec.proposable} for kind, spec in SPECS.items()
}


def personal(kind: str, name: str) -> bool:
    spec = FIELDS[kind].get(name)
    return spec is not None and spec.personal


def values_parse(
    problems: ProblemList, kind: str, raw: Any, *, field: str = "changes"
) -> dict[str, Any]:
    """Typed values for the known fields; every unknown field or bad value is a problem."""
    if not isinstance(raw, dict) or not raw:
        problems.add("no_changes", _("Give at least one field and its value."), field=field)
        return {}
    specs = FIELDS[kind]
    values: dict[str, Any] = {}
    for name, value in raw.items():
        spec = specs.get(name)
        if spec is None:
            problems.add(
                "unknown_field",
                _("This field cannot be proposed: %(name)s") % {"name": name},
                field=field,
                item=str(name),
            )
            continue
        values[name] = spec.parse(problems, name, value)
    return values


def differs(kind: str, record: Provenance, name: str, value: Any) -> bool:
    """A personal value is compared through its blind index: the record is never decrypted."""
    if personal(kind, name):
        index = crypto.blind_index(value, field=f"{kind}.{name}") if value else ""
        return bool(index != getattr(record, f"{name}_index"))
    return bool(getattr(record, name) != value)


def shown(kind: str, name: str, value: Any) -> Any:
    """A value as JSON and as a page shows it: personal ones masked, dates and decimals as text."""
    if personal(kind, name):
        return crypto.mask(value, f"{kind}.{name}") if value else ""
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def shown_all(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: shown(kind, name, value) for name, value in values.items()}


def current_shown(kind: str, record: Provenance, name: str) -> Any:
    if personal(kind, name):
        return getattr(record, f"{name}_masked")
    return shown(kind, name, getattr(record, name))


def label(kind: str, name: str) -> str:
    spec = FIELDS[kind].get(name)
    return str(spec.label) if spec else name
