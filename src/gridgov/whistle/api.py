"""Whistle-and-report (吹哨报到): a subdistrict summons departments to an event, each reports
within its time limit, carries its part, and is rated."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.paging import PageNumberPagination
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.whistle import actions, selectors
from gridgov.whistle.models import Summons, Whistle

if TYPE_CHECKING:
    pass

router = Router(tags=["whistle"])


class Ref(Schema):
    code: str
    name: str


class SummonsOut(Schema):
    id: int
    whistle_id: int
    event_number: str = Field(alias="whistle.event.number")
    department: Ref
    limit_minutes: int
    report_due_at: datetime
    reported_at: datetime | None
    reported_late: bool
    part_description: str
    part_done_at: datetime | None
    part_verified_at: datetime | None
    escalated_at: datetime | None
    rating: int | None
    rating_comment: str
    rated_at: datetime | None


class WhistleOut(Schema):
    id: int
    event_number: str = Field(alias="event.number")
    event_description: str = Field(
        alias="event.description",
        description="What the summoned departments need to know, though the event is not theirs.",
    )
    event_status: str = Field(alias="event.status")
    reason: str
    reason_label: str = Field(alias="get_reason_display")
    note: str
    node: Ref
    blown_by: str
    blown_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_blown_by(obj: Whistle) -> str:
        return str(obj.blown_by)


class WhistleDetailOut(WhistleOut):
    summonses: list[SummonsOut] = Field(
        description="The summons the caller may see: all of them, or a department's own."
    )

    @staticmethod
    def resolve_summonses(obj: Whistle) -> list[Summons]:
        return list(obj.summonses.all())


class WhistleIn(Schema):
    event_number: str
    reason: str = Field(
        description=(
            "beyond_authority, no_clear_owner, spans_areas, several_departments or several_levels."
        )
    )
    department_codes: list[str]
    note: str = ""
    limits: dict[str, int] = Field(
        default_factory=dict,
        description="Minutes to report by department code; 30 working minutes otherwise.",
    )


class PartDoneIn(Schema):
    description: str


class RatingIn(Schema):
    rating: int = Field(description="1 to 5.")
    comment: str = ""


class QueueOut(Schema):
    to_report: list[SummonsOut]
    in_hand: list[SummonsOut]
    late: list[SummonsOut]


class StatsOut(Schema):
    department: Ref
    summoned: int
    reported: int
    reported_on_time: int
    average_report_minutes: float | None = Field(description="Working minutes, whistle to report.")
    average_rating: float | None
    rated: int


@router.post("/whistles", response={201: WhistleDetailOut})
def whistle_blow(request: HttpRequest, payload: WhistleIn) -> Status[Whistle]:
    user = request_user(request)
    whistle = actions.whistle_blow(
        actor=user,
        event_number=payload.event_number,
        reason=payload.reason,
        department_codes=payload.department_codes,
        note=payload.note,
        limits=payload.limits,
    )
    return Status(201, selectors.whistle_get(user, whistle.pk))


@router.get("/whistles", response=list[WhistleOut])
@paginate(PageNumberPagination, page_size=50)
def whistle_list(request: HttpRequest, open: bool | None = None) -> list[Whistle]:
    return selectors.whistles_filtered(request_user(request), open=open)  # type: ignore[return-value]


@router.get("/whistles/{whistle_id}", response=WhistleDetailOut)
def whistle_detail(request: HttpRequest, whistle_id: int) -> Whistle:
    return selectors.whistle_get(request_user(request), whistle_id)


@router.get("/summons", response=QueueOut)
def summons_queue(request: HttpRequest) -> selectors.DepartmentQueue:
    return selectors.summons_for_department(request_user(request))


def _summons(request: HttpRequest, summons_id: int) -> Summons:
    return selectors.summons_get(request_user(request), summons_id)


@router.post("/summons/{summons_id}/report", response=SummonsOut)
def summons_report(request: HttpRequest, summons_id: int) -> Summons:
    actions.summons_report(actor=request_user(request), summons_id=summons_id)
    return _summons(request, summons_id)


@router.post("/summons/{summons_id}/part-done", response=SummonsOut)
def summons_part_done(request: HttpRequest, summons_id: int, payload: PartDoneIn) -> Summons:
    actions.summons_part_done(
        actor=request_user(request), summons_id=summons_id, description=payload.description
    )
    return _summons(request, summons_id)


@router.post("/summons/{summons_id}/verify", response=SummonsOut)
def summons_verify(request: HttpRequest, summons_id: int) -> Summons:
    actions.summons_part_verify(actor=request_user(request), summons_id=summons_id)
    return _summons(request, summons_id)


@router.post("/summons/{summons_id}/rating", response=SummonsOut)
def summons_rate(request: HttpRequest, summons_id: int, payload: RatingIn) -> Summons:
    actions.summons_rate(
        actor=request_user(request),
        summons_id=summons_id,
        rating=payload.rating,
        comment=payload.comment,
    )
    return _summons(request, summons_id)


@router.get("/stats", response=list[StatsOut])
def department_stats(
    request: HttpRequest, node: str | None = None, since: datetime | None = None
) -> list[selectors.DepartmentWhistleStats]:
    """Per department summoned under the node (the caller's jurisdiction by default) since the
    given moment (30 days ago by default)."""
    user = request_user(request)
    where = node_get(user, node) if node else scope_root(user)
    if since is None:
        since = timezone.now() - timedelta(days=30)
    elif timezone.is_naive(since):
        since = timezone.make_aware(since)
    return selectors.department_whistle_stats(user, where, since)
