"""The batch matching form (pasted lines or a one-column CSV, at most BATCH_MAX addresses)
and the address box that checks what is typed."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from gridgov.addresses.api import BATCH_MAX
from gridgov.core.forms import MAX_UPLOAD_BYTES


def address_input() -> forms.TextInput:
    """An address box that asks the matcher while one types; the page includes
    addresses/_picker.html where the answer goes."""
    return forms.TextInput(
        attrs={
            "hx-get": reverse_lazy("addresses:check"),
            "hx-trigger": "input changed delay:400ms, change",
            "hx-target": "#address-check",
            "autocomplete": "off",
        }
    )


class BatchForm(forms.Form):
    lines = forms.CharField(
        label=_("Addresses, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
    )
    file = forms.FileField(label=_("or a CSV file of one column"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(_("The file is too large."))
            raw = upload.read().decode("utf-8-sig", errors="replace")
            texts = [row[0] for row in csv.reader(io.StringIO(raw)) if row and row[0].strip()]
        else:
            texts = [line for line in (data.get("lines") or "").splitlines() if line.strip()]
        if not texts:
            raise forms.ValidationError(_("Enter at least one address."))
        if len(texts) > BATCH_MAX:
            raise forms.ValidationError(
                _("At most %(max)d addresses at a time."), params={"max": BATCH_MAX}
            )
        data["texts"] = texts
        return data
