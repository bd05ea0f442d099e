"""The form an administrator fills in with a year's official arrangement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.worktime.models import FIRST_YEAR, LAST_YEAR

# A year's arrangement is a few dozen lines.
MAX_UPLOAD_BYTES = 256 * 1024


class ArrangementForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    text = forms.CharField(
        label=_("Days (date,kind,name — one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "2027-01-01,holiday,元旦"}),
    )
    file = forms.FileField(label=_("Or a CSV / JSON file"), required=False)
    complete = forms.BooleanField(
        label=_("This is the official, complete arrangement"), required=False, initial=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(_("The file is too large for a year's arrangement."))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        if not data.get("text", "").strip():
            raise forms.ValidationError(_("Paste the days or choose a file."))
        return data
