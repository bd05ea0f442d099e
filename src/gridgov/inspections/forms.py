"""The venue-flagging page's form: a kind and a search text find the records; a flagged
record is the one whose button was pressed. Field errors are Django's, in Chinese; the
action's refusals are added beside them by the view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.fieldwork.forms import set_choices
from gridgov.inspections.models import VenueKind


class VenueFlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Venue kind"))
    q = forms.CharField(
        label=_("Name or address"),
        max_length=100,
        required=False,
        help_text=_("Part of an organisation's name or address, or of a home's address."),
    )
    record = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, kinds: list[VenueKind], flagging: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        self.flagging = flagging
        set_choices(self, "kind", [("", "—"), *((k.code, k.name) for k in kinds)])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.flagging and not data.get("record"):
            raise forms.ValidationError(_("Choose the record to flag."), code="no_record")
        if not self.flagging and "kind" in data and not data.get("q", "").strip():
            message = _("Type a name or an address to search.")
            self.add_error("q", forms.ValidationError(message, code="required"))
        return data
