"""The upload form of the import page."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import MAX_UPLOAD_BYTES
from gridgov.exchange.models import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of records"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV or Excel file"))

    def clean_file(self) -> UploadedFile[bytes]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; import it with the registry_import command."),
                params={"mb": MAX_UPLOAD_BYTES // 2**20},
            )
        return upload  # type: ignore[no-any-return]
