"""The mediation agreement (人民调解协议书) as a PDF, from a template, with the parties' names.

gridgov.core.pdf lays the template out, as it does the reports; the fonts are the system's
CJK fonts through fontconfig, so the PDF carries its text, not pictures of it, and a reader
can search and copy it. ID numbers print masked: the signed paper is what the parties keep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import Conflict
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
