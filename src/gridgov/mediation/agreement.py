"""The mediation agreement (人民调解协议书) as a PDF, from a template, with the parties' names.

gridgov.core.pdf lays the template out, as it does the reports; the fonts are the system's
CJK fonts through fontconfig, so the PDF carries its text, not pictures of it, and a reader
can search and copy it. ID numbers print masked: the signed paper is what the parties keep.
"""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import Conflict, NotFound
from gridgov.core.pdf import pdf_from_template
from gridgov.mediation.models import PartySide
from gridgov.mediation.selectors import dispute_get, dispute_parties

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def agreement_pdf(user: User, dispute_id: int) -> tuple[str, bytes]:
    """The file name and the PDF of a dispute's agreement; only once one is reached."""
    dispute = dispute_get(user, dispute_id)
    if dispute.agreed_at is None:
        raise Conflict(_("There is no agreement yet."), code="no_agreement")
    parties = list(dispute_parties(dispute))
    pdf = pdf_from_template(
        "mediation/agreement.html",
        {
            "dispute": dispute,
            "applicants": [p for p in parties if p.side == PartySide.APPLICANT],
            "respondents": [p for p in parties if p.side == PartySide.RESPONDENT],
            "agreed_on": timezone.localtime(dispute.agreed_at).date(),
            "grid_path": dispute.grid.parent.name if dispute.grid.parent else "",
        },
        stylesheet="mediation/agreement.css",
    )
    return f"{dispute.number}.pdf", pdf


def signed_scan_read(user: User, dispute_id: int) -> tuple[str, bytes]:
    """The file name and the content of the signed agreement as kept."""
    dispute = dispute_get(user, dispute_id)
    if not dispute.signed_scan:
        raise NotFound(_("No signed agreement is kept yet."), code="no_signed_scan")
    with dispute.signed_scan.open("rb") as scan:
        return str(dispute.signed_scan.name).rpartition("/")[2], scan.read()


def file_response(name: str, content: bytes) -> HttpResponse:
    """A file shown in the browser (inline), typed by its name; for the pages and the API."""
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
