"""The page forms: an instruction, an addressee's report, a plan's activation and its end."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.command.models import Priority, ResponseLevel


class InstructionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    due_at = forms.DateTimeField(
        label=_("To be done by"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ack_minutes = forms.IntegerField(
        label=_("Minutes to acknowledge"), min_value=1, max_value=7 * 24 * 60, initial=30
    )
    area = forms.BooleanField(label=_("Every grid worker of the area"), required=False)
    centres = forms.MultipleChoiceField(
        label=_("Centres"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centres"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 (declared above)
        field.choices = [(str(pk), name) for pk, name in centres]


class ReceiptReportForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.ImageField(label=_("Photo"), required=False)


class ActivationForm(forms.Form):
    level = forms.ChoiceField(label=_("Response level"), choices=ResponseLevel.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EndForm(forms.Form):
    note = forms.CharField(
        label=_("Why the emergency is over"), widget=forms.Textarea(attrs={"rows": 2})
    )
