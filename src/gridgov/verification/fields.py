"""Which fields of each record kind a source may propose, and how their values read and show.

A value arrives as JSON (a department file, an API push, a phone form) and
is parsed into the record's Python type before it is compared, stored or
applied; the one personal field here, the phone, is compared through its
blind index and shown only masked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core.errors import ProblemList
from gridgov.registry import crypto
from gridgov.registry.models import (
    HomeUse,
    OrganisationKind,
    Person,
    Provenance,
    ResidentKind,
    Tenure,
)
from gridgov.registry.validation import phone_check
from gridgov.verification.models import RecordKind

Parser = Callable[[ProblemList, str, Any], Any]
PHONE = "phone"
PHONE_INDEX_FIELD = "person.phone"


def _text(problems: ProblemList, name: str, raw: Any) -> str:
    if not isinstance(raw, str):
        problems.add("invalid_value", _("Expected text."), field=name)
        return ""
    return raw.strip()


def _required_text(problems: ProblemList, name: str, raw: Any) -> str:
    text = _text(problems, name, raw)
    if isinstance(raw, str) and not text:
        problems.add("required", _("This value cannot be empty."), field=name)
    return text


def _choice(choices: type[models.TextChoices]) -> Parser:
    def parse(problems: ProblemList, name: str, raw: Any) -> str:
        if raw not in choices.values:
            problems.add(
                "invalid_choice",
                _("Not one of: %(choices)s") % {"choices": ", ".join(choices.values)},
                field=name,
            )
        return str(raw)

    return parse


def _date(problems: ProblemList, name: str, raw: Any) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.add("invalid_date", _("Expected a date as YYYY-MM-DD."), field=name)
        return None


def _decimal(problems: ProblemList, name: str, raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.add("invalid_number", _("Expected a number."), field=name)
        return None
    return value.quantize(Decimal("0.01"))


def _count(problems: ProblemList, name: str, raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = -1
    if value < 0:
        problems.add("invalid_number", _("Expected a whole number, zero or more."), field=name)
        return None
    return value


def _flag(problems: ProblemList, name: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return bool(raw == "true")
    problems.add("invalid_value", _("Expected true or false."), field=name)
    return False


def _phone(problems: ProblemList, name: str, raw: Any) -> str:
    return phone_check(problems, _text(problems, name, raw), field=name)


@dataclass(frozen=True)
class FieldSpec:
    label: str | Promise
    parse: Parser
    choices: type[models.TextChoices] | None = None
    # How a phone form asks for it: text, tel, date, number or flag (yes/no).
    input: str = "text"


FIELDS: Mapping[str, Mapping[str, FieldSpec]] = {
    RecordKind.PERSON: {
        "name": FieldSpec(pgettext_lazy("person", "Name"), _required_text),
        PHONE: FieldSpec(_("Phone"), _phone, input="tel"),
        "kind": FieldSpec(_("Kind"), _choice(ResidentKind), ResidentKind),
        "moved_in": FieldSpec(_("Moved in"), _date, input="date"),
        "moved_out": FieldSpec(_("Moved out"), _date, input="date"),
        "address_code": FieldSpec(_("Address code"), _text),
    },
    RecordKind.HOME: {
        "floor_area": FieldSpec(_("Floor area (m²)"), _decimal, input="number"),
        "use": FieldSpec(_("Use"), _choice(HomeUse), HomeUse),
        "tenure": FieldSpec(_("Tenure"), _choice(Tenure), Tenure),
        "address_code": FieldSpec(_("Address code"), _text),
    },
    RecordKind.ORGANISATION: {
        "name": FieldSpec(_("Name"), _required_text),
        "kind": FieldSpec(_("Kind"), _choice(OrganisationKind), OrganisationKind),
        "address": FieldSpec(_("Address"), _text),
        "staff_count": FieldSpec(_("Staff count"), _count, input="number"),
        "small_venue": FieldSpec(_("Small venue"), _flag, input="flag"),
        "address_code": FieldSpec(_("Address code"), _text),
    },
}


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


def phone_index(digits: str) -> str:
    return crypto.blind_index(digits, field=PHONE_INDEX_FIELD) if digits else ""


def differs(record: Provenance, name: str, value: Any) -> bool:
    if name == PHONE:
        assert isinstance(record, Person)  # noqa: S101 - only people have phones
        return phone_index(value) != record.phone_index
    return bool(getattr(record, name) != value)


def shown(name: str, value: Any) -> Any:
    """A value as JSON and as a page shows it: phones masked, dates and decimals as text."""
    if name == PHONE:
        return crypto.mask_phone(value) if value else ""
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def shown_all(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: shown(name, value) for name, value in values.items()}


def current_shown(record: Provenance, name: str) -> Any:
    if name == PHONE:
        assert isinstance(record, Person)  # noqa: S101 - only people have phones
        return record.phone_masked
    return shown(name, getattr(record, name))


def label(kind: str, name: str) -> str:
    spec = FIELDS[kind].get(name)
    return str(spec.label) if spec else name
