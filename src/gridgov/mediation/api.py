"""Dispute mediation (矛盾纠纷调处): register, convert an event, move a dispute through the
table, record sessions, reveal a party's data with a purpose, read the figures. Parties are
masked; nothing here decrypts but the reveal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.paging import PageNumberPagination
from gridgov.mediation import actions, figures, selectors
from gridgov.mediation.agreement import agreement_pdf, file_response, signed_scan_read
from gridgov.mediation.models import Dispute, Party, Session

router = Router(tags=["mediation"])


class PartyOut(Schema):
    id: int
    side: str
    kind: str
    name: str
    id_number: str = Field(description="Masked (3201**********1234).")
    phone: str = Field(description="Masked (138****5678).")
    consented_at: datetime | None

    @staticmethod
    def resolve_id_number(obj: Party) -> str:
        return obj.shown_id_number

    @staticmethod
    def resolve_phone(obj: Party) -> str:
        return obj.shown_phone


class SessionOut(Schema):
    id: int
    held_at: datetime
    place: str
    participants: str
    notes: str
    attachment: bool = Field(description="Whether a file is attached to the session.")

    @staticmethod
    def resolve_attachment(obj: Session) -> bool:
        return bool(obj.attachment)


class DisputeOut(Schema):
    id: int
    number: str
    dispute_type: str
    source: str
    source_event: str | None = Field(description="The number of the event it came from.")
    summary: str
    grid_code: str = Field(alias="grid.code")
    grid_name: str = Field(alias="grid.name")
    address: str
    amount: Decimal | None
    risk_level: str
    mediator_kind: str
    mediator_name: str
    status: str
    version: int
    registered_at: datetime
    agreed_at: datetime | None
    not_agreed_at: datetime | None
    followed_up_at: datetime | None
    closed_at: datetime | None
    referred_at: datetime | None
    referral_target: str
    follow_up_due_at: datetime | None
    agreement_kept: bool | None
    escalated_event: str | None = Field(description="The command centre's event, if escalated.")
    signed_scan: bool = Field(description="Whether the signed agreement is kept (GET …/scan).")

    @staticmethod
    def resolve_signed_scan(obj: Dispute) -> bool:
        return bool(obj.signed_scan)

    @staticmethod
    def resolve_source_event(obj: Dispute) -> str | None:
        return obj.source_event.number if obj.source_event else None

    @staticmethod
    def resolve_escalated_event(obj: Dispute) -> str | None:
        return obj.escalated_event.number if obj.escalated_event else None


class DisputeDetailOut(DisputeOut):
    agreement_terms: str
    parties: list[PartyOut]
    sessions: list[SessionOut]
    whistles: list[int] = Field(
        description="Whistles (吹哨) blown on the escalated event that the caller sees."
    )

    @staticmethod
    def resolve_whistles(obj: Dispute, context: dict[str, Any]) -> list[int]:
        user = request_user(context["request"])
        return list(selectors.dispute_whistles(user, obj).values_list("pk", flat=True))

    @staticmethod
    def resolve_parties(obj: Dispute) -> list[Party]:
        return list(selectors.dispute_parties(obj))

    @staticmethod
    def resolve_sessions(obj: Dispute) -> list[Session]:
        return list(selectors.dispute_sessions(obj))


class PartyIn(Schema):
    side: str = Field(description="applicant or respondent")
    kind: str = Field("person", description="person or organisation")
    name: str = ""
    id_number: str = Field(
        "", description="An 18-character resident ID; its check digit is checked."
    )
    phone: str = ""
    person_id: int | None = Field(None, description="A person of the registry instead of a name.")
    organisation_id: int | None = Field(None, description="An organisation of the registry.")


class MediationIn(Schema):
    parties: list[PartyIn]
    risk_level: str = Field(description="low, medium or high")
    mediator_kind: str = Field(description="grid_worker, community, committee, judicial or lawyer")
    mediator_name: str
    amount: Decimal | None = None


class DisputeIn(MediationIn):
    dispute_type: str = Field(
        description="neighbour, family, property, labour, land_housing, consumer or other"
    )
    source: str = Field("investigation", description="investigation, resident or referral")
    summary: str
    grid_code: str
    address: str = ""


class FromEventIn(MediationIn):
    event_number: str


class CommandIn(Schema):
    expected_version: int
    note: str = ""
    payload: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "agree: terms and consents (every party's id); follow_up: kept (true/false); "
            "refer: target (higher_level, litigation, arbitration) and the reason as note; "
            "escalate: risk_level, and at high risk a subdistrict dispatcher's "
            "whistle_departments (department codes, required of the dispatcher) and "
            "whistle_reason (a whistle reason, several_departments by default)."
        ),
    )


class SessionIn(Schema):
    held_at: datetime
    place: str
    participants: str
    notes: str = ""


class UnmaskIn(Schema):
    field: str = Field(description="id_number or phone")
    purpose: str = Field(description="Why the value is needed; kept in the audit trail.")


class UnmaskOut(Schema):
    field: str
    value: str


class FigureOut(Schema):
    label: str
    registered: int
    concluded: int
    agreed: int
    followed_up: int
    kept: int
    residents: int
    success_rate: float | None = Field(description="Agreements / concluded mediations, %.")
    kept_rate: float | None = Field(description="Kept / followed up, %.")
    average_days: float | None = Field(description="Registration to conclusion, days.")
    per_thousand: float | None = Field(description="Disputes per 1,000 residents.")

    @staticmethod
    def resolve_label(obj: figures.FigureRow) -> str:
        return str(obj.label)


class FiguresOut(Schema):
    by: str
    since: date
    until: date
    rows: list[FigureOut]
    total: FigureOut


def _parties(given: list[PartyIn]) -> list[actions.PartyIn]:
    return [actions.PartyIn(**p.dict()) for p in given]


@router.get("/disputes", response=list[DisputeOut])
@paginate(PageNumberPagination, page_size=50)
def dispute_list(request: HttpRequest, status: str | None = None) -> Any:
    rows = selectors.disputes_visible(request_user(request))
    return rows.filter(status=status) if status else rows


@router.post("/disputes", response={201: DisputeDetailOut})
def dispute_register(request: HttpRequest, payload: DisputeIn) -> Status[Dispute]:
    user = request_user(request)
    dispute = actions.dispute_register(
        actor=user,
        dispute_type=payload.dispute_type,
        source=payload.source,
        summary=payload.summary,
        grid_code=payload.grid_code,
        address=payload.address,
        parties=_parties(payload.parties),
        risk_level=payload.risk_level,
        mediator_kind=payload.mediator_kind,
        mediator_name=payload.mediator_name,
        amount=payload.amount,
    )
    return Status(201, selectors.dispute_get(user, dispute.pk))


@router.post("/disputes/from-event", response={201: DisputeDetailOut})
def dispute_from_event(request: HttpRequest, payload: FromEventIn) -> Status[Dispute]:
    """A neighbour-dispute event becomes a dispute, once; the link is kept."""
    user = request_user(request)
    dispute = actions.dispute_from_event(
        actor=user,
        event_number=payload.event_number,
        parties=_parties(payload.parties),
        risk_level=payload.risk_level,
        mediator_kind=payload.mediator_kind,
        mediator_name=payload.mediator_name,
        amount=payload.amount,
    )
    return Status(201, selectors.dispute_get(user, dispute.pk))


@router.get("/disputes/{dispute_id}", response=DisputeDetailOut)
def dispute_detail(request: HttpRequest, dispute_id: int) -> Dispute:
    return selectors.dispute_get(request_user(request), dispute_id)


@router.post("/disputes/{dispute_id}/commands/{command}", response=DisputeDetailOut)
def dispute_command(
    request: HttpRequest, dispute_id: int, command: str, payload: CommandIn
) -> Dispute:
    """One step of the table; any other (state, step) pair or a stale version answers 409."""
    user = request_user(request)
    actions.dispute_apply(
        actor=user,
        dispute_id=dispute_id,
        command=command,
        expected_version=payload.expected_version,
        note=payload.note,
        payload=payload.payload,
    )
    return selectors.dispute_get(user, dispute_id)


@router.get("/disputes/{dispute_id}/agreement.pdf")
def agreement(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The agreement (调解协议书) rendered now from its template, once one is reached;
    409 no_agreement before."""
    return file_response(*agreement_pdf(request_user(request), dispute_id))


@router.get("/disputes/{dispute_id}/scan")
def signed_scan(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The signed agreement as kept; 404 no_signed_scan before one is."""
    return file_response(*signed_scan_read(request_user(request), dispute_id))


@router.post("/disputes/{dispute_id}/scan", response=DisputeDetailOut)
def signed_scan_attach(
    request: HttpRequest,
    dispute_id: int,
    scan: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Dispute:
    """Multipart: `scan`, the agreement signed by the parties (PDF, PNG or JPEG, at most
    10 MB, checked by its content); 422 required, file_type or too_large, 409 no_agreement."""
    user = request_user(request)
    actions.agreement_scan_attach(actor=user, dispute_id=dispute_id, upload=scan)
    return selectors.dispute_get(user, dispute_id)


@router.post("/disputes/{dispute_id}/sessions", response={201: SessionOut})
def session_add(request: HttpRequest, dispute_id: int, payload: SessionIn) -> Status[Session]:
    session = actions.session_add(
        actor=request_user(request),
        dispute_id=dispute_id,
        held_at=payload.held_at,
        place=payload.place,
        participants=payload.participants,
        notes=payload.notes,
    )
    return Status(201, session)


@router.post("/disputes/{dispute_id}/sessions/with-attachment", response={201: SessionOut})
def session_add_with_attachment(
    request: HttpRequest,
    dispute_id: int,
    payload: Form[SessionIn],
    attachment: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[Session]:
    """Multipart: the session's fields as form fields and `attachment`, a PDF, PNG or JPEG of
    at most 10 MB (422 file_type or too_large)."""
    session = actions.session_add(
        actor=request_user(request),
        dispute_id=dispute_id,
        held_at=payload.held_at,
        place=payload.place,
        participants=payload.participants,
        notes=payload.notes,
        attachment=attachment,
    )
    return Status(201, session)


@router.post("/parties/{party_id}/unmask", response=UnmaskOut)
def party_unmask(request: HttpRequest, party_id: int, payload: UnmaskIn) -> dict[str, str]:
    """The value in full, once; needs a role that may, a purpose, and is audited and limited."""
    value = actions.party_unmask(
        actor=request_user(request),
        party_id=party_id,
        field=payload.field,
        purpose=payload.purpose,
    )
    return {"field": payload.field, "value": value}


@router.get("/figures", response=FiguresOut)
def mediation_figures(
    request: HttpRequest, by: str = "grid", since: date | None = None, until: date | None = None
) -> figures.FigureTable:
    """Success rate, agreement-kept rate, average days to conclude and disputes per 1,000
    residents, by grid, community, subdistrict, mediator or type (docs/indicators.md)."""
    return figures.mediation_figures(request_user(request), by=by, since=since, until=until)
