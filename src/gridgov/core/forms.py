"""Forms shared by the import pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# A city's full boundary file (12,000+ grids) is tens of megabytes.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


class UploadForm(forms.Form):
    """One uploaded file, handed on as bytes: the importer parses it and reports its own errors."""

    file = forms.FileField(label=_("File"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB."), params={"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        return bytes(upload.read())
