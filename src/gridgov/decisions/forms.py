"""The forms of the decision pages; the actions check every value again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.decisions.models import ConsultationMethod, DecisionCategory, Opinion, Vote
from gridgov.decisions.workflow import AssessmentKind, Degree, RiskLevel

# Participants a consultation form takes at once; the API takes any number.
PARTICIPANT_ROWS = 3


class RegisterForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=128)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=DecisionCategory.objects.all(), to_field_name="code"
    )
    decided_by = forms.CharField(label=_("Deciding body"), max_length=128)
    node = forms.ChoiceField(label=_("Area affected"))
    area_description = forms.CharField(
        label=_("Area affected, in words"), max_length=200, required=False
    )
    people_affected = forms.IntegerField(label=_("People affected"), min_value=0)
    planned_on = forms.DateField(
        label=_("Planned date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, nodes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = nodes  # type: ignore[attr-defined]


class CommandForm(forms.Form):
    command = forms.CharField()
    note = forms.CharField(required=False)
    version = forms.IntegerField(required=False)


class CommissionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices)
    assessor = forms.IntegerField(label=_("Third-party assessor"), required=False)
    note = forms.CharField(label=_("Note"), required=False)
    version = forms.IntegerField(required=False)


class AssessmentCommandForm(forms.Form):
    command = forms.CharField()
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", "—"), *RiskLevel.choices], required=False
    )
    risk_reasons = forms.CharField(label=_("Reasons for the risk level"), required=False)
    note = forms.CharField(required=False)
    version = forms.IntegerField(required=False)


class ConsultationForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=ConsultationMethod.choices)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.IntegerField(label=_("Participants"), min_value=0)
    in_favour = forms.IntegerField(label=_("In favour"), min_value=0)
    against = forms.IntegerField(label=_("Against"), min_value=0)
    main_concerns = forms.CharField(
        label=_("Main concerns"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, PARTICIPANT_ROWS + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=pgettext_lazy("person", "name"), required=False
            )
            self.fields[f"phone_{n}"] = forms.CharField(label=_("Phone"), required=False)
            self.fields[f"id_number_{n}"] = forms.CharField(label=_("ID number"), required=False)
            self.fields[f"opinion_{n}"] = forms.ChoiceField(
                label=_("Opinion"), choices=Opinion.choices, required=False
            )

    def people(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "name": data[f"name_{n}"],
                "phone": data[f"phone_{n}"],
                "id_number": data[f"id_number_{n}"],
                "opinion": data[f"opinion_{n}"] or Opinion.NEUTRAL,
            }
            for n in range(1, PARTICIPANT_ROWS + 1)
            if data[f"name_{n}"] or data[f"phone_{n}"] or data[f"id_number_{n}"]
        ]

    def consultation_fields(self) -> list[forms.BoundField]:
        """The consultation's own fields, without the participant rows."""
        return [self[name] for name in self.base_fields]

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{part}_{n}"] for part in ("name", "phone", "id_number", "opinion")]
            for n in range(1, PARTICIPANT_ROWS + 1)
        ]


class RiskPointForm(forms.Form):
    title = forms.CharField(label=_("Risk point"), max_length=128)
    description = forms.CharField(label=_("Description"), required=False)
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), choices=Degree.choices, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=Degree.choices, coerce=int)


class ExpertOpinionForm(forms.Form):
    expert = forms.CharField(label=_("Expert"), max_length=64)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=128, required=False)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}))
    vote = forms.ChoiceField(label=_("Vote"), choices=Vote.choices)
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))


class MitigationForm(forms.Form):
    measure = forms.CharField(label=_("Measure"))
    owner = forms.CharField(label=_("Owner"), max_length=128)
    due_on = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class DoneForm(forms.Form):
    note = forms.CharField(label=_("Result"))


class UnmaskForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Field"), choices=[("phone", _("Phone")), ("id_number", _("ID number"))]
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
