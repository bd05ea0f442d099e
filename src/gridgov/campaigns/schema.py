"""The JSON schema every campaign form is checked against, and the checks a schema cannot
say (unique names, a condition naming an earlier field and one of its values).

A form is `{"fields": [...]}`; a field has a `name` (an identifier, the key of its answer),
a `label` and optional `help` in the centre's words, a `type`, whether it is `required`,
`choices` for the choice types, `min`/`max` for numbers, and `show_if` to show it only when
an earlier field has one of the given values (a hidden field is neither asked nor kept).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator

from gridgov.core.errors import ProblemList

FIELD_TYPES = (
    "text",
    "number",
    "choice",
    "multiple_choice",
    "date",
    "yes_no",
    "photo",
    "address",
)
CHOICE_TYPES = frozenset({"choice", "multiple_choice"})
MAX_FIELDS = 60

FORM_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["fields"],
    "additionalProperties": False,
    "properties": {
        "fields": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_FIELDS,
            "items": {
                "type": "object",
                "required": ["name", "label", "type"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
                    "label": {"type": "string", "minLength": 1, "maxLength": 200},
                    "help": {"type": "string", "maxLength": 500},
                    "type": {"enum": list(FIELD_TYPES)},
                    "required": {"type": "boolean"},
                    "choices": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 50,
                        "uniqueItems": True,
                        "items": {"type": "string", "minLength": 1, "maxLength": 100},
                    },
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "show_if": {
                        "type": "object",
                        "required": ["field", "in"],
                        "additionalProperties": False,
                        "properties": {
                            "field": {"type": "string"},
                            "in": {
                                "type": "array",
                                "minItems": 1,
                                "items": {"type": ["string", "boolean"]},
                            },
                        },
                    },
                },
            },
        }
    },
}

_VALIDATOR = Draft202012Validator(FORM_SCHEMA)


def _where(path: Any) -> str:
    return "/".join(str(p) for p in path)


def form_check(definition: Any, problems: ProblemList) -> None:
    """Add a problem for everything wrong with a form definition."""
    errors = sorted(_VALIDATOR.iter_errors(definition), key=lambda e: list(e.absolute_path))
    for error in errors:
        problems.add(
            "form_schema",
            _("The form does not follow the schema at %(where)s: %(why)s")
            % {"where": _where(error.absolute_path) or "/", "why": error.message},
            field="form",
            item=_where(error.absolute_path),
        )
    if errors:
        return
    seen: dict[str, dict[str, Any]] = {}
    for index, spec in enumerate(definition["fields"]):
        name = spec["name"]
        if name in seen:
            problems.add(
                "duplicate_field",
                _("Two fields have one name."),
                field="form",
                index=index,
                item=name,
            )
        if spec["type"] in CHOICE_TYPES and "choices" not in spec:
            problems.add(
                "choices_missing",
                _("A choice field lists its choices."),
                field="form",
                index=index,
                item=name,
            )
        if "min" in spec and "max" in spec and spec["min"] > spec["max"]:
            problems.add(
                "bad_range",
                _("The smallest number is above the largest."),
                field="form",
                index=index,
                item=name,
            )
        condition = spec.get("show_if")
        if condition is not None:
            _condition_check(condition, seen, problems, index, name)
        seen[name] = spec


def _condition_check(
    condition: dict[str, Any],
    earlier: dict[str, dict[str, Any]],
    problems: ProblemList,
    index: int,
    name: str,
) -> None:
    source = earlier.get(condition["field"])
    if source is None:
        problems.add(
            "bad_condition",
            _("A field is shown depending on an earlier field only."),
            field="form",
            index=index,
            item=name,
        )
        return
    if source["type"] == "yes_no":
        allowed: list[Any] = [True, False]
    elif source["type"] in CHOICE_TYPES:
        allowed = list(source.get("choices", []))
    else:
        problems.add(
            "bad_condition",
            _("A field is shown depending on a yes/no or choice field only."),
            field="form",
            index=index,
            item=name,
        )
        return
    if any(value not in allowed for value in condition["in"]):
        problems.add(
            "bad_condition",
            _("The condition names a value the earlier field does not offer."),
            field="form",
            index=index,
            item=name,
        )
