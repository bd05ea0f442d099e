"""The characters no text we store may hold, checked at every entry point.

A NUL cannot be stored in PostgreSQL's text (psycopg raises, the request ended in a 500), and
a lone surrogate cannot be encoded as UTF-8 at all. Names (of jurisdictions, layer units) are
shown in map tooltips, breadcrumbs and exported files besides pages, so they hold neither
markup nor control characters either.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# C0 and C1 controls, the line and paragraph separators and the bidirectional overrides that
# make a name read differently from how it sorts and matches.
_NOT_IN_A_NAME = re.compile("[<>\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def text_problem(value: str) -> tuple[str, StrPromise] | None:
    """(code, message) when the text cannot be stored, else None."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "null_character", _("Contains a NUL character, which text may not contain.")
    return "invalid_character", _("Contains an invalid character (a lone surrogate).")


def name_problem(value: str) -> tuple[str, StrPromise] | None:
    """(code, message) when the text is no fit name, else None."""
    found = _NOT_IN_A_NAME.search(value) or _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() in "<>":
        return "markup", _("A name may not contain < or >.")
    return "control_character", _("A name may not contain control or invisible characters.")


def validate_name(value: str) -> None:
    """name_problem as a Django validator, for form fields."""
    problem = name_problem(value)
    if problem is not None:
        raise ValidationError(problem[1], code=problem[0])


def unstorable_in(value: Any, where: str = "") -> tuple[str, str, StrPromise] | None:
    """(field, code, message) of the first string in parsed JSON, key or value, that no text
    column can hold; the field is the path to it (`extra.building`, `photos.2`)."""
    if isinstance(value, str):
        found = text_problem(value)
        return None if found is None else (where, *found)
    if isinstance(value, list):
        items: Any = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        return None
    for key, inner in items:
        field = f"{where}.{key}" if where else str(key)
        problem = unstorable_in(key, field) or unstorable_in(inner, field)
        if problem is not None:
            return problem
    return None
