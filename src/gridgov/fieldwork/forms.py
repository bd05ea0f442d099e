"""The phone's and the centre's forms; the actions check everything again."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.events.views import PhotosField
from gridgov.fieldwork.models import CareCategory, LeaveKind, ServiceKind, ServiceOutcome

HIDDEN_FLOAT = forms.HiddenInput(attrs={"data-locate": "1"})


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class PositionForm(forms.Form):
    """Where the phone stands, filled in by fieldwork/field.js from the device's location."""

    lon = forms.FloatField(required=False, widget=HIDDEN_FLOAT)
    lat = forms.FloatField(required=False, widget=HIDDEN_FLOAT)

    def position(self) -> tuple[float | None, float | None]:
        return self.cleaned_data.get("lon"), self.cleaned_data.get("lat")

    def require_position(self) -> bool:
        lon, lat = self.position()
        if lon is None or lat is None:
            self.add_error(None, _("Your position is needed: allow this page to use location."))
            return False
        return True


class DutyForm(PositionForm):
    duty = forms.ChoiceField(choices=[("start", _("start")), ("end", _("end"))])


class ResultForm(PositionForm):
    note = forms.CharField(label=_("Result"), max_length=2000, widget=forms.Textarea({"rows": 4}))
    photos = PhotosField()


class PatrolCheckForm(PositionForm):
    point = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class PatrolEndForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the patrol"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )


class VisitForm(PositionForm):
    met = forms.TypedChoiceField(
        label=_("Met the person"),
        choices=[("yes", _("yes")), ("no", _("no, nobody at home"))],
        coerce=lambda v: v == "yes",
        initial="yes",
    )
    situation = forms.CharField(
        label=_("Situation found"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    needs = forms.CharField(
        label=_("Needs"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    follow_up_days = forms.IntegerField(
        label=_("Follow up in (days)"), required=False, min_value=1, max_value=90
    )
    photos = PhotosField()


class LogForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes of the day"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 5}),
    )


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    grid = forms.ChoiceField(label=_("Grid"))
    person_name = forms.CharField(
        label=_("Person served"),
        max_length=64,
        help_text=_("Only the family name is kept, masked."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ServiceOutcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, grids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "grid", grids)


class AssignForm(forms.Form):
    grid = forms.ChoiceField(label=_("Grid"))
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    title = forms.CharField(label=_("Task"), max_length=200)
    note = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea({"rows": 3})
    )
    due = forms.DateField(
        label=_("Due by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: three working days."),
    )

    def __init__(
        self,
        *args: Any,
        grids: list[tuple[str, str]],
        workers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "grid", grids)
        set_choices(self, "assignee", [("", _("any worker of the grid")), *workers])


class LeaveForm(forms.Form):
    worker = forms.ChoiceField(label=_("Grid worker"))
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaveKind.choices)
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, workers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "worker", workers)


class PatrolPlanForm(forms.Form):
    grid = forms.ChoiceField(label=_("Grid"))
    name = forms.CharField(label=_("Name"), max_length=100)
    every_days = forms.IntegerField(
        label=_("Patrol every (days)"), min_value=1, max_value=31, initial=1
    )
    working_days_only = forms.BooleanField(
        label=_("Working days only"), required=False, initial=True
    )
    points = forms.CharField(
        label=_("Points"),
        widget=forms.Textarea({"rows": 5}),
        help_text=_("One point a line: name, longitude, latitude."),
    )

    def __init__(self, *args: Any, grids: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "grid", grids)

    def clean_points(self) -> list[tuple[str, float, float]]:
        points = []
        for number, line in enumerate(self.cleaned_data["points"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            try:
                name, lon, lat = parts[0], float(parts[1]), float(parts[2])
            except (IndexError, ValueError) as exc:
                raise forms.ValidationError(
                    _("Line %(n)d is not “name, longitude, latitude”.") % {"n": number}
                ) from exc
            points.append((name, lon, lat))
        return points


class CarePlanForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=32,
        help_text=_("The person is found in the registry by the ID number; it is not kept here."),
    )
    category = forms.ChoiceField(label=_("Category of care"), choices=CareCategory.choices)
    every_days = forms.IntegerField(
        label=_("Visit every (days)"), min_value=1, max_value=366, initial=30
    )
