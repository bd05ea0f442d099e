"""Reading and checking a category catalogue, and checking an event's extra fields against it.

A catalogue file is JSON: {"classes": [{"code": "01", "name": …, "subclasses":
[{"code": "0101", "name": …, "department": "urban", "severity": "normal",
"limits": {"register": 30, "dispatch": 60, "handle": 1440, "verify": 240},
"natural": false, "self_handle": true, "public": true, "fields": [{"code", "label",
"type", "required", "choices"}]}]}]}. Every problem in the file is reported at once,
each naming the code it was found under.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import ProblemList
from gridgov.events.workflow import Stage


class Severity(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


FIELD_TYPES = ("text", "number", "choice", "date", "photo")
_FIELD_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    parent_code: str = ""
    department_code: str = ""
    severity: str = Severity.NORMAL
    limits: dict[str, int] = field(default_factory=dict)
    natural_time: bool = False
    self_handle: bool = False
    extra_fields: list[dict[str, Any]] = field(default_factory=list)
    public: bool = False


def parse_catalogue(data: Any) -> list[CategorySpec]:
    """Classes first, then their subclasses; raises InvalidInput listing every problem."""
    problems = ProblemList()
    specs: list[CategorySpec] = []
    classes = data.get("classes") if isinstance(data, dict) else None
    if not isinstance(classes, list) or not classes:
        problems.add("no_classes", _('The catalogue needs a non-empty "classes" list.'))
        problems.raise_if_any(_("The catalogue is not valid."))
    seen: set[str] = set()
    for index, item in enumerate(classes or []):
        if not isinstance(item, dict):
            problems.add("not_an_object", _("Each class is an object."), index=index)
            continue
        code = str(item.get("code", ""))
        if not re.fullmatch(r"[0-9]{2}", code):
            problems.add(
                "bad_code", _("A class code is two digits."), index=index, item=code, field="code"
            )
        _check_name_and_unique(problems, item, code, seen, index)
        specs.append(CategorySpec(code=code, name=str(item.get("name", ""))))
        subclasses = item.get("subclasses")
        if not isinstance(subclasses, list) or not subclasses:
            problems.add(
                "no_subclasses",
                _("A class needs a non-empty list of subclasses."),
                index=index,
                item=code,
                field="subclasses",
            )
            continue
        for sub_index, sub in enumerate(subclasses):
            spec = _parse_subclass(problems, sub, code, seen, sub_index)
            if spec is not None:
                specs.append(spec)
    problems.raise_if_any(_("The catalogue is not valid."))
    return specs


def _check_name_and_unique(
    problems: ProblemList, item: dict[str, Any], code: str, seen: set[str], index: int
) -> None:
    if not str(item.get("name", "")).strip():
        problems.add("no_name", _("A name is required."), index=index, item=code, field="name")
    if code in seen:
        problems.add(
            "duplicate_code", _("This code appears twice."), index=index, item=code, field="code"
        )
    seen.add(code)


def _parse_subclass(
    problems: ProblemList, sub: Any, parent: str, seen: set[str], index: int
) -> CategorySpec | None:
    if not isinstance(sub, dict):
        problems.add("not_an_object", _("Each subclass is an object."), index=index, item=parent)
        return None
    code = str(sub.get("code", ""))
    where: dict[str, Any] = {"index": index, "item": code}
    if not re.fullmatch(r"[0-9]{4}", code) or not code.startswith(parent):
        problems.add(
            "bad_code",
            _("A subclass code is four digits starting with its class code %(parent)s.")
            % {"parent": parent},
            field="code",
            **where,
        )
    _check_name_and_unique(problems, sub, code, seen, index)
    severity = sub.get("severity", Severity.NORMAL)
    if severity not in Severity.values:
        problems.add(
            "bad_severity",
            _("Severity is one of %(known)s.") % {"known": ", ".join(Severity.values)},
            field="severity",
            **where,
        )
    limits = sub.get("limits")
    limits = limits if isinstance(limits, dict) else {}
    for stage in Stage.values:
        value = limits.get(stage)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            problems.add(
                "bad_limit",
                _("The time limit of stage %(stage)s is a positive number of minutes.")
                % {"stage": stage},
                field=f"limits.{stage}",
                **where,
            )
    natural = sub.get("natural", severity == Severity.URGENT)
    if not isinstance(natural, bool) or (severity == Severity.URGENT and not natural):
        problems.add(
            "bad_natural",
            _("Urgent categories count natural minutes; natural is true or false."),
            field="natural",
            **where,
        )
    self_handle = sub.get("self_handle", False)
    if not isinstance(self_handle, bool):
        problems.add(
            "bad_self_handle", _("self_handle is true or false."), field="self_handle", **where
        )
    fields = sub.get("fields", [])
    problems.problems += [replace(p, **where) for p in field_schema_problems(fields).problems]
    public = sub.get("public", False)
    if not isinstance(public, bool):
        problems.add("bad_public", _("public is true or false."), field="public", **where)
    department = sub.get("department") or ""
    if not isinstance(department, str):
        problems.add(
            "bad_department", _("A department is named by its code."), field="department", **where
        )
    return CategorySpec(
        code=code,
        name=str(sub.get("name", "")),
        parent_code=parent,
        department_code=str(department),
        severity=str(severity),
        limits={k: v for k, v in limits.items() if k in Stage.values},
        natural_time=bool(natural),
        self_handle=bool(self_handle),
        extra_fields=fields if isinstance(fields, list) else [],
        public=bool(public),
    )


def field_schema_problems(fields: Any) -> ProblemList:
    """What is wrong with a category's extra-field schema; the admin and the loader share it."""
    problems = ProblemList()
    if not isinstance(fields, list):
        problems.add("bad_fields", _("fields is a list."), field="fields")
        return problems
    codes: set[str] = set()
    for i, spec in enumerate(fields):
        name = f"fields[{i}]"
        if not isinstance(spec, dict):
            problems.add("bad_field", _("Each field is an object."), field=name)
            continue
        code = spec.get("code")
        if not isinstance(code, str) or not _FIELD_CODE.match(code) or code in codes:
            problems.add(
                "bad_field_code",
                _("A field code is a unique lower-case identifier."),
                field=f"{name}.code",
            )
        else:
            codes.add(code)
        if not isinstance(spec.get("label"), str) or not spec["label"].strip():
            problems.add("bad_field_label", _("A field needs a label."), field=f"{name}.label")
        kind = spec.get("type")
        if kind not in FIELD_TYPES:
            problems.add(
                "bad_field_type",
                _("A field's type is one of %(known)s.") % {"known": ", ".join(FIELD_TYPES)},
                field=f"{name}.type",
            )
        if not isinstance(spec.get("required", False), bool):
            problems.add(
                "bad_field_required",
                _("required is true or false."),
                field=f"{name}.required",
            )
        choices = spec.get("choices")
        good_choices = (
            isinstance(choices, list)
            and bool(choices)
            and all(isinstance(c, str) and c for c in choices)
        )
        if (not good_choices) if kind == "choice" else (choices is not None):
            problems.add(
                "bad_field_choices",
                _("A choice field lists its choices as strings; other fields have none."),
                field=f"{name}.choices",
            )
    return problems


def extra_number(raw: str | float) -> int | float:
    """A number field's value as typed into a form, kept as JSON keeps it: 3, not 3.0.
    Raises ValueError for text that is no number."""
    number = float(raw)
    return int(number) if number.is_integer() else number


def check_extra(schema: list[dict[str, Any]], extra: Any) -> ProblemList:
    """The problems with an event's extra values, one per field, against its category's schema."""
    problems = ProblemList()
    if not isinstance(extra, dict):
        problems.add("bad_extra", _("Extra fields are an object."), field="extra")
        return problems
    known = {spec["code"]: spec for spec in schema}
    for code in sorted(set(extra) - set(known)):
        problems.add("unknown_field", _("This category has no such field."), field=f"extra.{code}")
    for code, spec in known.items():
        value = extra.get(code)
        if value is None or value == "":
            if spec.get("required"):
                problems.add(
                    "required",
                    _("%(label)s is required.") % {"label": spec["label"]},
                    field=f"extra.{code}",
                )
            continue
        if not _value_fits(spec, value):
            problems.add(
                "bad_value",
                _("%(label)s has a value of the wrong kind.") % {"label": spec["label"]},
                field=f"extra.{code}",
            )
    return problems


def _value_fits(spec: dict[str, Any], value: Any) -> bool:
    kind = spec["type"]
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "choice":
        return value in spec.get("choices", [])
    if kind == "date":
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
        return isinstance(value, str)
    return isinstance(value, str)
