"""The forms of the whistle pages; the actions check every value again."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.departments.models import Department
from gridgov.whistle.models import Reason


class BlowForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    departments = forms.MultipleChoiceField(
        label=_("Departments summoned"), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["departments"])
        field.choices = [(d.code, f"{d.name} ({d.node.name})") for d in departments]


class PartDoneForm(forms.Form):
    description = forms.CharField(
        label=_("What the department did"), widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=[(n, str(n)) for n in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(label=_("Comment"), required=False)
