"""The centre's page to define a campaign: its settings, and its form as rows (one per
field), so no one writes JSON; `definition` turns the rows into the stored definition that
the schema then checks."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.campaigns.models import TargetKind

FIELD_TYPES = [
    ("text", _("text")),
    ("number", _("number")),
    ("choice", _("one choice")),
    ("multiple_choice", _("several choices")),
    ("date", _("date")),
    ("yes_no", _("yes/no")),
    ("photo", _("photo")),
    ("address", _("address")),
]
CATEGORY_CHOICES = [
    ("", _("all")),
    ("registered", _("registered resident")),
    ("floating", _("floating resident")),
    ("lodging", _("lodging resident")),
    ("small_venue", _("small venue")),
    ("individual_business", _("individual business")),
    ("enterprise", _("enterprise")),
]
_SPLIT = re.compile(r"[,，、\n]+")
EXTRA_ROWS = 3


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=128)
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_kind = forms.ChoiceField(label=_("Targets"), choices=TargetKind.choices)
    target_category = forms.ChoiceField(
        label=_("Category"), choices=CATEGORY_CHOICES, required=False
    )
    target_lines = forms.CharField(
        label=_("Uploaded list"),
        help_text=_("For a list: one address or phone number per line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    target_file = forms.FileField(label=_("Or a file of lines (UTF-8 text)"), required=False)
    areas = forms.MultipleChoiceField(label=_("Areas"), widget=forms.CheckboxSelectMultiple)
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    template = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["areas"]
        assert isinstance(area_field, forms.MultipleChoiceField)  # noqa: S101 - declared above
        area_field.choices = areas

    def lines(self) -> list[str]:
        text = self.cleaned_data.get("target_lines") or ""
        upload = self.cleaned_data.get("target_file")
        if upload is not None:
            text += "\n" + upload.read().decode("utf-8-sig", errors="replace")
        return [line for line in text.splitlines() if line.strip()]


class FieldRowForm(forms.Form):
    """One question of the campaign's form."""

    name = forms.CharField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Question"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Answer type"), choices=FIELD_TYPES, initial="text")
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices"), help_text=_("Separated by commas."), required=False
    )
    show_if_field = forms.IntegerField(
        label=_("Only when question no."), min_value=1, required=False
    )
    show_if_values = forms.CharField(
        label=_("has the answer"), help_text=_("Separated by commas."), required=False
    )


FieldRows = forms.formset_factory(FieldRowForm, extra=EXTRA_ROWS)


def _condition_values(raw: str, source_type: str) -> list[Any]:
    values: list[Any] = [v.strip() for v in _SPLIT.split(raw) if v.strip()]
    if source_type == "yes_no":
        yes, no = str(_("yes")), str(_("no"))
        return [
            True if v in (yes, "是", "yes") else False if v in (no, "否", "no") else v
            for v in values
        ]
    return values


def definition(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows with a question, as a form definition (names kept from a template, else
    made from the row's number)."""
    fields: list[dict[str, Any]] = []
    for row in rows:
        if not row or not row.get("label"):
            continue
        spec: dict[str, Any] = {
            "name": row.get("name") or f"q{len(fields) + 1}",
            "label": row["label"],
            "type": row["type"],
        }
        if row.get("required"):
            spec["required"] = True
        if row["type"] in ("choice", "multiple_choice"):
            spec["choices"] = [
                c.strip() for c in _SPLIT.split(row.get("choices") or "") if c.strip()
            ]
        source = row.get("show_if_field")
        if source and source <= len(fields):
            target = fields[source - 1]
            spec["show_if"] = {
                "field": target["name"],
                "in": _condition_values(row.get("show_if_values") or "", target["type"]),
            }
        fields.append(spec)
    return {"fields": fields}


def rows_of(form: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored definition as the rows' initial data (a template, or a form to change)."""
    names = [spec["name"] for spec in form["fields"]]
    rows = []
    for spec in form["fields"]:
        condition = spec.get("show_if")
        rows.append(
            {
                "name": spec["name"],
                "label": spec["label"],
                "type": spec["type"],
                "required": spec.get("required", False),
                "choices": "，".join(spec.get("choices", [])),
                "show_if_field": names.index(condition["field"]) + 1 if condition else None,
                "show_if_values": "，".join(
                    ("是" if v is True else "否" if v is False else str(v)) for v in condition["in"]
                )
                if condition
                else "",
            }
        )
    return rows
