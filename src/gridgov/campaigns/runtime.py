"""A campaign form, built at run time from its definition as a Django form.

Django's own fields validate each answer, so the errors read in the user's language; the
definition's `show_if` is applied in `clean`: a field whose condition does not hold is
dropped from the answer, and a required one is required only when shown. The page hides
and shows fields with campaigns/form.js from the `show_field`/`show_in` a conditional field
carries into its wrapper's data attributes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

YES, NO = "yes", "no"
EMPTY: tuple[object, ...] = (None, "", [])


def _yes_no(value: str) -> bool:
    return value == YES


def _field(spec: dict[str, Any]) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec["label"],
        "help_text": spec.get("help", ""),
        # Required-when-shown is checked in clean(), where the condition is known.
        "required": bool(spec.get("required")) and "show_if" not in spec,
    }
    kind = spec["type"]
    if kind == "number":
        return forms.DecimalField(
            min_value=spec.get("min"), max_value=spec.get("max"), decimal_places=4, **common
        )
    if kind == "choice":
        return forms.ChoiceField(
            choices=[(c, c) for c in spec["choices"]], widget=forms.RadioSelect, **common
        )
    if kind == "multiple_choice":
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in spec["choices"]],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "yes_no":
        return forms.TypedChoiceField(
            choices=[(YES, _("yes")), (NO, _("no"))],
            coerce=_yes_no,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == "photo":
        return forms.ImageField(**common)
    if kind == "address":
        return forms.CharField(max_length=255, **common)
    return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)


def _shown(spec: dict[str, Any], values: dict[str, Any]) -> bool:
    condition = spec.get("show_if")
    if condition is None:
        return True
    value = values.get(condition["field"])
    if isinstance(value, list):
        return any(v in condition["in"] for v in value)
    return value is not None and value in condition["in"]


class AnswerForm(forms.Form):
    """Base of every built form; `specs` holds the definition's fields in order."""

    specs: list[dict[str, Any]] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for spec in self.specs:
            name = spec["name"]
            if not _shown(spec, cleaned):
                cleaned.pop(name, None)
                self.errors.pop(name, None)
                continue
            shown_required = spec.get("required") and "show_if" in spec
            if shown_required and name not in self.errors and cleaned.get(name) in EMPTY:
                self.add_error(name, forms.Field.default_error_messages["required"])
        return cleaned


def answer_form_class(definition: dict[str, Any]) -> type[AnswerForm]:
    """The form class of one version's definition."""
    specs = list(definition["fields"])
    attrs: dict[str, Any] = {spec["name"]: _field(spec) for spec in specs}
    attrs["specs"] = specs
    for spec in specs:
        condition = spec.get("show_if")
        if condition is not None:
            # Read by the template into the field's wrapper (data-show-field, data-show-in).
            field = attrs[spec["name"]]
            field.show_field = condition["field"]
            field.show_in = "|".join(
                (YES if v is True else NO if v is False else str(v)) for v in condition["in"]
            )
    return type("CampaignAnswerForm", (AnswerForm,), attrs)


def stored(value: Any) -> Any:
    """An answer's cleaned value as JSON keeps it (photos are stored first, by the action)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def photo_fields(cleaned: dict[str, Any]) -> dict[str, UploadedFile[Any]]:
    return {name: value for name, value in cleaned.items() if isinstance(value, UploadedFile)}


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """A JSON answer (the API's) as the form's data: true/false as yes/no, numbers as text."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is True or value is False:
            data[name] = YES if value else NO
        elif isinstance(value, int | float):
            data[name] = str(value)
        else:
            data[name] = value
    return data
