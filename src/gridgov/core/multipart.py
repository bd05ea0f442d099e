"""The JSON part of a multipart request (a result sent with its photos: the JSON in a form
field named `data`, the files beside it), refused with the same 422 and codes as a JSON
body would be."""

from __future__ import annotations

from typing import TypeVar

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ValidationError

from gridgov.core.errors import InvalidInput, Problem

SchemaT = TypeVar("SchemaT", bound=Schema)


def json_part(schema: type[SchemaT], data: str) -> SchemaT:
    try:
        return schema.model_validate_json(data)
    except ValidationError as exc:
        raise InvalidInput(
            _("The request is not valid."),
            problems=[
                Problem(
                    str(e["type"]),
                    str(e["msg"]),
                    field=".".join(str(p) for p in e["loc"]) or "data",
                )
                for e in exc.errors()
            ],
        ) from exc
