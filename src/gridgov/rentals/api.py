"""Overcrowded-rental warning (群租房预警): rules with their precision, meter imports, rule
runs and the suspected cases' loop."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.paging import PageNumberPagination
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.rentals import actions, selectors
from gridgov.rentals.models import MeterBatch, MeterReading, RentalCase, RuleRun

router = Router(tags=["rentals"])


class RuleOut(Schema):
    code: str
    name: str
    kind: str
    params: dict[str, Any]
    max_share: Decimal
    active: bool
    suspected: int
    confirmed: int
    dismissed: int
    precision: float | None = Field(description="Confirmed / suspected among the rule's cases.")


class RuleIn(Schema):
    name: str
    kind: str = Field(description="crowding, turnover, utility or complaints.")
    params: dict[str, Any] = Field(default_factory=dict)
    max_share: Decimal = Decimal("0.05")
    active: bool = True
    confirm: bool = Field(False, description="Save even if it flags more than max_share.")


class HitOut(Schema):
    rule: str = Field(alias="rule.code")
    rule_name: str = Field(alias="rule.name")
    evidence: dict[str, Any]
    at: datetime


class HazardOut(Schema):
    hazard: str
    label: str = Field(alias="get_hazard_display")
    event_number: str | None = Field(None, alias="event.number")
    event_status: str | None = Field(None, alias="event.status")


class CaseOut(Schema):
    id: int
    address: str = Field(alias="home.address")
    grid: str = Field(alias="grid.name")
    status: str
    status_label: str = Field(alias="get_status_display")
    version: int
    suspected_at: datetime
    verifying_at: datetime | None
    confirmed_at: datetime | None
    dismissed_at: datetime | None
    rectifying_at: datetime | None
    rectified_at: datetime | None


class CaseDetailOut(CaseOut):
    finding: str
    people_found: int | None
    hits: list[HitOut]
    hazards: list[HazardOut]

    @staticmethod
    def resolve_hits(obj: RentalCase) -> list[Any]:
        return list(obj.hits.all())

    @staticmethod
    def resolve_hazards(obj: RentalCase) -> list[Any]:
        return list(obj.hazards.all())


class CommandIn(Schema):
    command: str = Field(description="verify, confirm, dismiss or rectify.")
    expected_version: int
    note: str = ""
    finding: str = ""
    people_found: int | None = None
    hazards: list[str] = Field(
        default_factory=list, description="overcrowding, fire, unregistered, structure."
    )


class RunIn(Schema):
    node: str | None = Field(None, description="A node code; the caller's own by default.")


class RunOut(Schema):
    id: int
    node: str = Field(alias="node.code")
    started_at: datetime
    finished_at: datetime | None
    homes_total: int
    homes_done: int
    hits: dict[str, int]
    cases_opened: int
    warnings: list[dict[str, Any]]


class BatchOut(Schema):
    id: int
    name: str
    rows: int
    matched: int
    unknown: int
    imported_at: datetime


class UnknownOut(Schema):
    address_code: str
    address: str
    month: date
    utility: str
    amount: Decimal


def _rule_out(row: selectors.RulePrecision) -> dict[str, Any]:
    rule = row.rule
    return {
        "code": rule.code,
        "name": rule.name,
        "kind": rule.kind,
        "params": rule.params,
        "max_share": rule.max_share,
        "active": rule.active,
        "suspected": row.suspected,
        "confirmed": row.confirmed,
        "dismissed": row.dismissed,
        "precision": row.precision,
    }


@router.get("/rules", response=list[RuleOut])
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rule_out(row) for row in selectors.rule_precision(request_user(request))]


@router.put("/rules/{code}", response=RuleOut)
def rule_save(request: HttpRequest, code: str, payload: RuleIn) -> dict[str, Any]:
    user = request_user(request)
    actions.rule_save(actor=user, code=code, **payload.dict())
    return next(_rule_out(r) for r in selectors.rule_precision(user) if r.rule.code == code)


@router.get("/cases", response=list[CaseOut])
@paginate(PageNumberPagination, page_size=50)
def case_list(request: HttpRequest, status: str = "") -> list[RentalCase]:
    return selectors.cases_filtered(request_user(request), status=status)  # type: ignore[return-value]


@router.get("/cases/{case_id}", response=CaseDetailOut)
def case_detail(request: HttpRequest, case_id: int) -> RentalCase:
    return selectors.case_get(request_user(request), case_id)


@router.post("/cases/{case_id}/commands", response=CaseDetailOut)
def case_command(request: HttpRequest, case_id: int, payload: CommandIn) -> RentalCase:
    user = request_user(request)
    actions.case_apply(actor=user, case_id=case_id, **payload.dict())
    return selectors.case_get(user, case_id)


@router.post("/runs", response={202: RunOut})
def run_start(request: HttpRequest, payload: RunIn) -> Status[RuleRun]:
    user = request_user(request)
    node = node_get(user, payload.node) if payload.node else scope_root(user)
    run = actions.rules_run_start(actor=user, node=node)
    return Status(202, selectors.runs_visible(user).get(pk=run.pk))


@router.get("/runs", response=list[RunOut])
@paginate(PageNumberPagination, page_size=20)
def run_list(request: HttpRequest) -> list[RuleRun]:
    return selectors.runs_visible(request_user(request))  # type: ignore[return-value]


@router.post("/meter-imports", response={201: BatchOut})
def meter_import(request: HttpRequest, file: File[UploadedFile]) -> Status[MeterBatch]:
    batch = actions.meter_import(
        actor=request_user(request), name=file.name or "readings.csv", content=file.read()
    )
    return Status(201, batch)


@router.get("/meter-imports/{batch_id}/unknown", response=list[UnknownOut])
@paginate(PageNumberPagination, page_size=100)
def meter_unknown(request: HttpRequest, batch_id: int) -> list[MeterReading]:
    """The rows of an import whose home the registry does not know (kept, not dropped)."""
    return selectors.unknown_readings(request_user(request), batch_id)  # type: ignore[return-value]
