"""The forms of the mediation pages; the actions check every value again."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.jurisdiction.models import Node
from gridgov.mediation.actions import PartyIn
from gridgov.mediation.models import DisputeType, MediatorKind, PartyKind, PartySide, RiskLevel
from gridgov.mediation.workflow import ReferralTarget

# The sources a page registers from; an event converts from its own page.
PAGE_SOURCES = [
    ("investigation", _("grid worker's investigation")),
    ("resident", _("resident's request")),
    ("referral", _("referral")),
]


class MediationForm(forms.Form):
    """Who mediates, how risky, and the two parties (more are added through the API)."""

    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    mediator_kind = forms.ChoiceField(label=_("Mediator"), choices=MediatorKind.choices)
    mediator_name = forms.CharField(label=_("Mediator's name"), max_length=64)
    amount = forms.DecimalField(
        label=_("Amount involved (yuan)"), required=False, min_value=0, decimal_places=2
    )
    a_kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    a_name = forms.CharField(label=_("Name"), max_length=128)
    a_id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    a_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    b_kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    b_name = forms.CharField(label=_("Name"), max_length=128)
    b_id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    b_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def parties(self) -> list[PartyIn]:
        data = self.cleaned_data
        return [
            PartyIn(
                side=side,
                kind=data[f"{p}_kind"],
                name=data[f"{p}_name"],
                id_number=data[f"{p}_id_number"],
                phone=data[f"{p}_phone"],
            )
            for p, side in (("a", PartySide.APPLICANT), ("b", PartySide.RESPONDENT))
        ]


class RegisterForm(MediationForm):
    dispute_type = forms.ChoiceField(label=_("Type"), choices=DisputeType.choices)
    source = forms.ChoiceField(label=_("Source"), choices=PAGE_SOURCES)
    grid = forms.ChoiceField(label=_("Grid"))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))

    field_order = ["dispute_type", "source", "grid", "address", "summary"]

    def __init__(self, *args: Any, grids: QuerySet[Node], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["grid"]).choices = [
            (g.code, f"{g.parent.name} {g.name}" if g.parent else g.name)
            for g in grids.select_related("parent")
        ]


class StepForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    terms = forms.CharField(
        label=_("Terms of the agreement"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    consents = forms.MultipleChoiceField(
        label=_("Parties who consented"), widget=forms.CheckboxSelectMultiple, required=False
    )
    kept = forms.TypedChoiceField(
        label=_("Is the agreement kept?"),
        choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        required=False,
    )
    target = forms.ChoiceField(
        label=_("Referred to"), choices=[("", "—"), *ReferralTarget.choices], required=False
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level now"), choices=RiskLevel.choices, initial=RiskLevel.HIGH, required=False
    )
    whistle_departments = forms.MultipleChoiceField(
        label=_("At high risk, blow the whistle (吹哨) to"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        parties: list[tuple[int, str]],
        departments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["consents"]).choices = parties
        cast(forms.MultipleChoiceField, self.fields["whistle_departments"]).choices = departments

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "terms": data["terms"],
            "consents": [int(c) for c in data["consents"]],
            "kept": data["kept"],
            "target": data["target"],
            "risk_level": data["risk_level"] or RiskLevel.HIGH,
            "whistle_departments": data["whistle_departments"],
        }


class SessionForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=128)
    participants = forms.CharField(label=_("Participants"), max_length=500)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Signed agreement (scan)"))


class UnmaskForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Value"), choices=[("id_number", _("ID number")), ("phone", _("Phone"))]
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)


class FollowUpForm(forms.Form):
    kept = forms.TypedChoiceField(
        label=_("Is the agreement kept?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
