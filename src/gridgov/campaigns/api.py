"""Campaigns over JSON, for a native app: define from a template or from scratch, push,
count, tabulate, answer, import the call robot's file, close."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.campaigns import actions, selectors
from gridgov.campaigns.catalogue import TEMPLATES, Template
from gridgov.campaigns.models import Answer, CallImport, Campaign, FormVersion, Target
from gridgov.campaigns.runtime import form_data
from gridgov.core.paging import PageNumberPagination

router = Router(tags=["campaigns"])


class TemplateOut(Schema):
    code: str
    title: str
    target_kind: str
    target_category: str
    days: int
    instructions: str
    form: dict[str, Any]


class CampaignIn(Schema):
    title: str
    instructions: str = ""
    form: dict[str, Any] = Field(description="The form; see GET /campaigns/templates.")
    target_kind: str = Field(description="homes, people, venues or list.")
    target_category: str = Field(
        "",
        description="people: registered, floating or lodging (empty: all); venues: small_venue "
        "or an organisation kind.",
    )
    target_lines: list[str] = Field(
        default_factory=list, description="For a list: one address or phone per line."
    )
    areas: list[str] = Field(description="Codes of the areas within the caller's jurisdiction.")
    due_at: datetime
    template: str = ""


class UnknownLineOut(Schema):
    line: int
    text: str
    why: str


class CampaignOut(Schema):
    id: int
    title: str
    instructions: str
    template: str
    node: str = Field(alias="node.name")
    target_kind: str
    target_category: str
    due_at: datetime
    status: str
    status_label: str = Field(alias="get_status_display")
    version: int
    created_at: datetime
    running_at: datetime | None
    closed_at: datetime | None


class CampaignDetailOut(CampaignOut):
    form_version: int
    form: dict[str, Any]
    unknown_lines: list[UnknownLineOut] = Field(
        description="Lines of an uploaded list that matched no home or person, with why."
    )

    @staticmethod
    def resolve_form_version(obj: Campaign) -> int:
        return selectors.form_current(obj).number

    @staticmethod
    def resolve_form(obj: Campaign) -> dict[str, Any]:
        definition: dict[str, Any] = selectors.form_current(obj).definition
        return definition


class FormIn(Schema):
    form: dict[str, Any]


class FormOut(Schema):
    number: int
    definition: dict[str, Any]
    created_at: datetime


class StepIn(Schema):
    expected_version: int | None = None


class GridCountOut(Schema):
    code: str
    name: str
    total: int
    done: int
    undone: int
    called: int
    percent: int


class TallyOut(Schema):
    name: str
    label: str
    type: str
    answered: int
    options: list[tuple[str, int]]
    least: float | None
    most: float | None
    mean: float | None


class TargetOut(Schema):
    id: int
    grid: str = Field(alias="grid.name")
    kind: str
    label: str
    state: str
    done_at: datetime | None


class AnswerIn(Schema):
    values: dict[str, Any] = Field(
        description="By field name: text, a number, true/false, a choice or a list of choices, "
        "a date as YYYY-MM-DD. Photos are taken on the answer page."
    )
    lon: float | None = None
    lat: float | None = None


class AnswerOut(Schema):
    id: int
    target_id: int
    form_version: int = Field(alias="form_version.number")
    values: dict[str, Any]
    channel: str
    answered_at: datetime


class CallLineOut(Schema):
    line: int
    phone: str
    why: str


class CallImportOut(Schema):
    id: int
    imported_at: datetime
    lines: int
    reached: int
    unreached: int
    unknown: list[CallLineOut]


def _detail(request: HttpRequest, campaign_id: int) -> Campaign:
    return selectors.campaign_get(request_user(request), campaign_id)


@router.get("/templates", response=list[TemplateOut])
def template_list(request: HttpRequest) -> list[Template]:
    request_user(request)
    return list(TEMPLATES.values())


@router.post("", response={201: CampaignDetailOut})
def campaign_define(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    campaign = actions.campaign_define(actor=request_user(request), **payload.dict())
    return Status(201, _detail(request, campaign.pk))


@router.get("", response=list[CampaignOut])
@paginate(PageNumberPagination, page_size=50)
def campaign_list(request: HttpRequest, status: str = "") -> list[Campaign]:
    rows = selectors.campaigns_visible(request_user(request))
    return rows.filter(status=status) if status else rows  # type: ignore[return-value]


@router.get("/{campaign_id}", response=CampaignDetailOut)
def campaign_detail(request: HttpRequest, campaign_id: int) -> Campaign:
    return _detail(request, campaign_id)


@router.put("/{campaign_id}/form", response=FormOut)
def campaign_form(request: HttpRequest, campaign_id: int, payload: FormIn) -> FormVersion:
    """Change the form; once answers exist the change is a new version."""
    return actions.campaign_form_change(
        actor=request_user(request), campaign_id=campaign_id, form=payload.form
    )


@router.post("/{campaign_id}/push", response=CampaignDetailOut)
def campaign_push(request: HttpRequest, campaign_id: int, payload: StepIn) -> Campaign:
    """Fan the targets out to the grids as tasks; the campaign runs once every chunk is written."""
    actions.campaign_push(
        actor=request_user(request),
        campaign_id=campaign_id,
        expected_version=payload.expected_version,
    )
    return _detail(request, campaign_id)


@router.post("/{campaign_id}/close", response=CampaignDetailOut)
def campaign_close(request: HttpRequest, campaign_id: int, payload: StepIn) -> Campaign:
    actions.campaign_close(
        actor=request_user(request),
        campaign_id=campaign_id,
        expected_version=payload.expected_version,
    )
    return _detail(request, campaign_id)


@router.get("/{campaign_id}/grids", response=list[GridCountOut])
def campaign_grids(request: HttpRequest, campaign_id: int) -> list[selectors.GridCount]:
    """Done and undone per grid of the caller's jurisdiction, counted now."""
    user = request_user(request)
    return selectors.grid_counts(user, selectors.campaign_get(user, campaign_id))


@router.get("/{campaign_id}/tabulation", response=list[TallyOut])
def campaign_tabulation(request: HttpRequest, campaign_id: int) -> list[selectors.Tally]:
    user = request_user(request)
    return selectors.tabulate(user, selectors.campaign_get(user, campaign_id))


@router.get("/{campaign_id}/targets", response=list[TargetOut])
@paginate(PageNumberPagination, page_size=100)
def campaign_targets(request: HttpRequest, campaign_id: int, state: str = "") -> list[Target]:
    """The campaign's targets in the caller's grids; state=open lists what is left to visit."""
    user = request_user(request)
    campaign = selectors.campaign_get(user, campaign_id)
    return selectors.targets_of(user, campaign, state=state)  # type: ignore[return-value]


@router.post("/targets/{target_id}/answer", response={201: AnswerOut})
def target_answer(request: HttpRequest, target_id: int, payload: AnswerIn) -> Status[Answer]:
    point = (
        (payload.lon, payload.lat) if payload.lon is not None and payload.lat is not None else None
    )
    answer = actions.answer_submit(
        actor=request_user(request),
        target_id=target_id,
        data=form_data(payload.values),
        point=point,
    )
    return Status(201, answer)


@router.post("/{campaign_id}/calls", response={201: CallImportOut})
def calls_import(
    request: HttpRequest, campaign_id: int, file: File[UploadedFile]
) -> Status[CallImport]:
    """The call robot's CSV (电话, 结果, 时间); every line not used is listed with why."""
    record = actions.calls_import(
        actor=request_user(request), campaign_id=campaign_id, content=file.read()
    )
    return Status(201, record)


@router.get("/{campaign_id}/calls", response=list[CallImportOut])
def calls_list(request: HttpRequest, campaign_id: int) -> list[CallImport]:
    user = request_user(request)
    return list(selectors.call_imports(user, selectors.campaign_get(user, campaign_id)))
