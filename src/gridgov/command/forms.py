"""The page forms: an instruction, an addressee's report, a plan and its activation and end,
and a month of duty."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.command.models import EmergencyPlan, PlanKind, Priority, ResponseLevel


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


class PlanForm(forms.Form):
    """A plan on a page: its pre-written instructions one a line, "title | text"."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of plan"), choices=PlanKind.choices)
    duration_hours = forms.IntegerField(label=_("Duration (hours)"), initial=24)
    order_limit_minutes = forms.IntegerField(
        label=_("Time limit of an order (minutes)"), initial=30
    )
    checklist = forms.CharField(
        label=_("Checklist, one item a line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level, label in ResponseLevel.choices:
            self.fields[f"units_{level}"] = forms.MultipleChoiceField(
                label=_("%(level)s: units activated") % {"level": label},
                choices=[(str(pk), name) for pk, name in units],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"instructions_{level}"] = forms.CharField(
                label=_("%(level)s: instructions, one a line, title | text") % {"level": label},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )

    @staticmethod
    def initial_of(plan: EmergencyPlan) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": plan.name,
            "kind": plan.kind,
            "duration_hours": plan.duration_hours,
            "order_limit_minutes": plan.order_limit_minutes,
            "checklist": "\n".join(plan.checklist),
        }
        for level, spec in plan.levels.items():
            initial[f"units_{level}"] = [str(pk) for pk in spec.get("units", [])]
            initial[f"instructions_{level}"] = "\n".join(
                " | ".join(filter(None, [t.get("title", ""), t.get("body", "")]))
                for t in spec.get("instructions", [])
            )
        return initial

    def levels(self) -> dict[str, Any]:
        """The cleaned levels as the plan stores them; a level with neither units nor
        instructions is left out."""
        levels: dict[str, Any] = {}
        for level in ResponseLevel.values:
            units = [int(pk) for pk in self.cleaned_data.get(f"units_{level}", [])]
            lines = str(self.cleaned_data.get(f"instructions_{level}", "")).splitlines()
            texts = []
            for line in filter(str.strip, lines):
                title, _bar, body = line.replace("｜", "|").partition("|")
                texts.append({"title": title.strip(), "body": body.strip()})
            if units or texts:
                levels[level] = {"units": units, "instructions": texts}
        return levels

    def checklist_items(self) -> list[str]:
        lines = self.cleaned_data["checklist"].splitlines()
        return [line.strip() for line in lines if line.strip()]


# The two standard shifts of a day on the roster page.
DAY, NIGHT = "day", "night"


class RosterForm(forms.Form):
    """A month of the centre's own day and night shifts, one choice of person each."""

    accept_gaps = forms.BooleanField(
        label=_("Save although units are left with nobody on duty"), required=False
    )

    def __init__(
        self, *args: Any, days: list[date], people: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", pgettext_lazy("duty", "nobody")), *((str(pk), name) for pk, name in people)]
        for day in days:
            for slot, label in ((DAY, _("day shift")), (NIGHT, _("night shift"))):
                name = f"{day:%m-%d} {label}"
                self.fields[self.slot(day, slot)] = forms.TypedChoiceField(
                    label=name,
                    widget=forms.Select(attrs={"aria-label": name}),
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    @staticmethod
    def slot(day: date, slot: str) -> str:
        return f"{slot}_{day:%Y%m%d}"
