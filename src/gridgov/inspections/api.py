"""Inspections of small venues and rentals: kinds and checklists (an administrator's data),
venues, the inspections to do and their results, rectifications and the hazard ledger.

A result with photos is multipart on the `/with-photos` twin: `data` holds the JSON of the
result, `photos` the JPEG/PNG/WebP files, as the events API takes them."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.errors import InvalidInput, Problem
from gridgov.core.multipart import json_part
from gridgov.core.paging import PageNumberPagination
from gridgov.inspections import actions, selectors
from gridgov.inspections.models import Inspection, Rectification, Venue, VenueKind
from gridgov.jurisdiction.selectors import node_get, scope_root

router = Router(tags=["inspections"])


class Ref(Schema):
    code: str
    name: str


class ItemSchema(Schema):
    code: str
    text: str
    serious: bool = False
    category: str = Field("", description="The event category a failed serious item files.")


class KindOut(Schema):
    code: str
    name: str
    target: str
    interval_days: int
    rectify_days: int
    active: bool
    checklist_version: int | None
    items: list[ItemSchema]

    @staticmethod
    def resolve_checklist_version(obj: VenueKind) -> int | None:
        current = selectors.checklist_current(obj)
        return current.version if current else None

    @staticmethod
    def resolve_items(obj: VenueKind) -> list[dict[str, Any]]:
        current = selectors.checklist_current(obj)
        return list(current.items) if current else []


class KindIn(Schema):
    name: str
    target: str = Field(description="organisation or home.")
    interval_days: int = 30
    rectify_days: int = 5
    active: bool = True


class ChecklistIn(Schema):
    items: list[dict[str, Any]] = Field(
        description="Each {code, text, serious, category}; serious items name an event category."
    )


class ChecklistOut(Schema):
    kind: str = Field(alias="kind.code")
    version: int
    items: list[ItemSchema]
    created_at: datetime


class VenueOut(Schema):
    id: int
    kind: Ref
    name: str
    address: str
    grid: Ref
    organisation_id: int | None
    home_id: int | None
    active: bool
    flagged_at: datetime


class VenueIn(Schema):
    kind: str
    organisation_id: int | None = None
    home_id: int | None = None


class AnswerIn(Schema):
    code: str
    passed: bool
    note: str = ""


class ResultIn(Schema):
    answers: list[AnswerIn]
    checklist_version: int | None = Field(
        None, description="The version the form showed; a newer one published since answers 409."
    )
    note: str = ""
    lon: float | None = Field(None, description="Where the inspector stands: near the venue.")
    lat: float | None = None
    photo_items: list[str] = Field(
        [], description="With photos: the item code each photo shows, in order; blank for none."
    )


class ItemResultOut(Schema):
    code: str
    text: str
    serious: bool
    passed: bool
    note: str


class PhotoOut(Schema):
    item_code: str = Field(description="The checklist item the photo shows; blank for none.")
    name: str
    content_type: str


class InspectionOut(Schema):
    id: int
    venue: VenueOut
    grid: Ref
    status: str
    due_at: datetime
    reinspection_of: int | None = Field(alias="rectification_id")
    field_task_id: int | None
    done_at: datetime | None
    passed: bool | None
    note: str


class InspectionDetailOut(InspectionOut):
    checklist_version: int | None
    to_answer: list[ItemSchema] = Field(description="The items to answer (or answered).")
    results: list[ItemResultOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_checklist_version(obj: Inspection) -> int | None:
        if obj.checklist is not None:
            return obj.checklist.version
        current = selectors.checklist_current(obj.venue.kind)
        return current.version if current and obj.rectification_id is None else None

    @staticmethod
    def resolve_to_answer(obj: Inspection) -> list[dict[str, object]]:
        return selectors.inspection_items(obj)

    @staticmethod
    def resolve_results(obj: Inspection) -> list[Any]:
        return list(obj.items.all())

    @staticmethod
    def resolve_photos(obj: Inspection) -> list[Any]:
        return list(obj.photos.order_by("item_code", "id"))


class RectificationOut(Schema):
    id: int
    venue: VenueOut
    grid: Ref
    item_code: str
    item_text: str
    serious: bool
    note: str
    status: str
    version: int
    found_at: datetime
    due_at: datetime
    overdue_at: datetime | None
    rectified_at: datetime | None
    cancelled_at: datetime | None
    event_number: str | None

    @staticmethod
    def resolve_event_number(obj: Rectification) -> str | None:
        return obj.event.number if obj.event else None


class CancelIn(Schema):
    note: str
    expected_version: int | None = None


class LedgerRowOut(Schema):
    node: Ref
    found: int
    rectified: int
    overdue: int
    open: int
    rate: float | None = Field(description="rectified ÷ found")


class LedgerOut(Schema):
    total: LedgerRowOut
    children: list[LedgerRowOut]


@router.get("/kinds", response=list[KindOut])
def kind_list(request: HttpRequest) -> list[VenueKind]:
    request_user(request)
    return list(VenueKind.objects.all())


@router.put("/kinds/{code}", response=KindOut)
def kind_save(request: HttpRequest, code: str, payload: KindIn) -> VenueKind:
    return actions.venue_kind_save(actor=request_user(request), code=code, **payload.dict())


@router.post("/kinds/{code}/checklists", response={201: ChecklistOut})
def checklist_publish(request: HttpRequest, code: str, payload: ChecklistIn) -> Status[Any]:
    """A new version; past inspections keep the version they answered."""
    checklist = actions.checklist_publish(
        actor=request_user(request), kind_code=code, items=payload.items
    )
    return Status(201, checklist)


@router.get("/venues", response=list[VenueOut])
@paginate(PageNumberPagination, page_size=100)
def venue_list(request: HttpRequest, kind: str | None = None) -> Any:
    venues = selectors.venues_visible(request_user(request))
    return venues.filter(kind__code=kind) if kind else venues


@router.post("/venues", response={201: VenueOut})
def venue_flag(request: HttpRequest, payload: VenueIn) -> Status[Venue]:
    user = request_user(request)
    venue = actions.venue_flag(
        actor=user,
        kind_code=payload.kind,
        organisation_id=payload.organisation_id,
        home_id=payload.home_id,
    )
    return Status(201, selectors.venue_get(user, venue.pk))


@router.post("/venues/{venue_id}/unflag", response=VenueOut)
def venue_unflag(request: HttpRequest, venue_id: int) -> Venue:
    user = request_user(request)
    actions.venue_unflag(actor=user, venue_id=venue_id)
    return selectors.venue_get(user, venue_id)


@router.get("/inspections", response=list[InspectionOut])
@paginate(PageNumberPagination, page_size=100)
def inspection_list(request: HttpRequest, to_do: bool = True) -> Any:
    """The inspections the caller may answer now (to_do), or every visible one, newest due first."""
    user = request_user(request)
    if to_do:
        return selectors.inspections_to_do(user)
    return selectors.inspections_visible(user).order_by("-due_at", "-id")


@router.get("/inspections/{inspection_id}", response=InspectionDetailOut)
def inspection_detail(request: HttpRequest, inspection_id: int) -> Inspection:
    return selectors.inspection_get(request_user(request), inspection_id)


def _by_item(payload: ResultIn, photos: list[UploadedFile]) -> dict[str, list[UploadedFile]]:
    """The photos grouped by the item each shows, "" for the venue as a whole."""
    if payload.photo_items and len(payload.photo_items) != len(photos):
        raise InvalidInput(
            _("The request is not valid."),
            problems=[
                Problem(
                    "photo_items_mismatch",
                    _("Name one item (or none) for each photo, in their order."),
                    field="photo_items",
                )
            ],
        )
    grouped: dict[str, list[UploadedFile]] = {}
    for code, photo in zip(payload.photo_items or [""] * len(photos), photos, strict=True):
        grouped.setdefault(code.strip(), []).append(photo)
    return grouped


def _record(
    request: HttpRequest, inspection_id: int, payload: ResultIn, photos: list[UploadedFile]
) -> Inspection:
    user = request_user(request)
    grouped = _by_item(payload, photos)
    actions.inspection_record(
        actor=user,
        inspection_id=inspection_id,
        answers=[actions.Answer(a.code, a.passed, a.note) for a in payload.answers],
        checklist_version=payload.checklist_version,
        note=payload.note,
        lon=payload.lon,
        lat=payload.lat,
        photos=grouped.pop("", []),
        item_photos=grouped,
    )
    return selectors.inspection_get(user, inspection_id)


@router.post("/inspections/{inspection_id}/result", response=InspectionDetailOut)
def inspection_record(request: HttpRequest, inspection_id: int, payload: ResultIn) -> Inspection:
    return _record(request, inspection_id, payload, [])


@router.post("/inspections/{inspection_id}/result/with-photos", response=InspectionDetailOut)
def inspection_record_with_photos(
    request: HttpRequest,
    inspection_id: int,
    data: Form[str],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Inspection:
    """`data` is the result's JSON; `photo_items` in it names, for each file of `photos` in
    order, the checklist item it shows (blank: the venue as a whole)."""
    return _record(request, inspection_id, json_part(ResultIn, data), photos or [])


@router.get("/rectifications", response=list[RectificationOut])
@paginate(PageNumberPagination, page_size=100)
def rectification_list(request: HttpRequest, status: str | None = None) -> Any:
    rows = selectors.rectifications_visible(request_user(request)).order_by("due_at", "id")
    return rows.filter(status=status) if status else rows


@router.get("/rectifications/{rectification_id}", response=RectificationOut)
def rectification_detail(request: HttpRequest, rectification_id: int) -> Rectification:
    return selectors.rectification_get(request_user(request), rectification_id)


@router.post("/rectifications/{rectification_id}/cancel", response=RectificationOut)
def rectification_cancel(
    request: HttpRequest, rectification_id: int, payload: CancelIn
) -> Rectification:
    user = request_user(request)
    actions.rectification_apply(
        actor=user,
        rectification_id=rectification_id,
        command="cancel",
        note=payload.note,
        expected_version=payload.expected_version,
    )
    return selectors.rectification_get(user, rectification_id)


def _row(row: selectors.LedgerRow) -> dict[str, Any]:
    return {
        "node": row.node,
        "found": row.found,
        "rectified": row.rectified,
        "overdue": row.overdue,
        "open": row.open,
        "rate": row.rate,
    }


@router.get("/ledger", response=LedgerOut)
def hazard_ledger(
    request: HttpRequest,
    node: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Hazards found under the node (the caller's jurisdiction by default) in [since, until),
    with each child's line: found, rectified, overdue, open, rectification rate."""
    user = request_user(request)
    where = node_get(user, node) if node else scope_root(user)
    total, children = selectors.hazard_ledger(user, where, since, until)
    return {"total": _row(total), "children": [_row(c) for c in children]}
