"""The field-work API under /api/v1/fieldwork: what the phone pages do, for a native app.

A person is named only masked; a position is sent with each check-in and result, never
tracked. Errors are DomainErrors (codes in each action)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from gridgov.accounts.requests import request_user
from gridgov.accounts.roles import Role
from gridgov.core.errors import InvalidInput
from gridgov.core.multipart import json_part
from gridgov.events.models import Event
from gridgov.fieldwork import selectors
from gridgov.fieldwork.actions import (
    checkin_record,
    field_task_cancel,
    field_task_complete,
    field_task_create,
    field_task_report_finding,
)
from gridgov.fieldwork.actions.duty import (
    leave_enter,
    service_record,
    worklog_figures,
    worklog_submit,
)
from gridgov.fieldwork.actions.patrols import (
    PointIn,
    patrol_check,
    patrol_end,
    patrol_figures,
    patrol_finding,
    patrol_plan_save,
    patrol_start,
)
from gridgov.fieldwork.actions.visits import care_plan_save, person_label, visit_record
from gridgov.fieldwork.kinds import FIELD_ROLES
from gridgov.fieldwork.models import FieldTask
from gridgov.jurisdiction.selectors import node_get
from gridgov.registry.selectors import person_get

router = Router(tags=["fieldwork"])


class NodeRef(Schema):
    code: str
    name: str


class TaskOut(Schema):
    id: int
    kind: str
    title: str
    note: str
    grid: NodeRef
    assignee: str | None
    target_kind: str
    target_id: int | None
    target_label: str
    due_at: datetime
    status: str
    version: int
    done_at: datetime | None
    result: dict[str, Any]
    lon: float | None
    lat: float | None
    event_number: str | None
    result_url: str

    @staticmethod
    def resolve_assignee(task: FieldTask) -> str | None:
        return task.assignee.username if task.assignee else None

    @staticmethod
    def resolve_event_number(task: FieldTask) -> str | None:
        return task.event.number if task.event_id and task.event else None

    @staticmethod
    def resolve_result_url(task: FieldTask) -> str:
        return selectors.task_url(task)


class TaskIn(Schema):
    kind: str = "assigned"
    title: str
    note: str = ""
    grid: str = Field(description="The grid's code.")
    assignee: str | None = Field(
        None,
        description="The username of a grid worker (or of a community's staff, when the "
        "kind allows); none for any worker of the grid.",
    )
    due_at: datetime | None = Field(None, description="Default: the kind's working time.")
    source_key: str = Field("", description="The same key twice makes one task.")


class PointBody(Schema):
    lon: float
    lat: float


class CompleteIn(Schema):
    result: dict[str, Any] = {}
    note: str = ""
    lon: float | None = None
    lat: float | None = None


class CancelIn(Schema):
    reason: str


class FindingIn(Schema):
    category: str
    description: str
    lon: float
    lat: float
    extra: dict[str, Any] | None = None


class EventRef(Schema):
    number: str
    status: str


class CheckInIn(Schema):
    duty: str = Field(description="start or end")
    lon: float
    lat: float
    note: str = ""


class CheckInOut(Schema):
    id: int
    duty: str
    at: datetime
    lon: float
    lat: float
    distance_m: int
    area: NodeRef = Field(alias="node")


class PatrolPointIn(Schema):
    name: str
    lon: float
    lat: float


class PatrolPlanIn(Schema):
    grid: str
    name: str
    every_days: int = 1
    working_days_only: bool = True
    starts_on: date | None = None
    points: list[PatrolPointIn]


class PatrolPointOut(Schema):
    id: int
    order: int
    name: str
    lon: float
    lat: float


class PatrolPlanOut(Schema):
    id: int
    grid: NodeRef
    name: str
    every_days: int
    working_days_only: bool
    starts_on: date
    active: bool
    points: list[PatrolPointOut]

    @staticmethod
    def resolve_points(plan: Any) -> list[Any]:
        return list(plan.points.all())


class PatrolCheckIn(Schema):
    lon: float
    lat: float
    point_id: int | None = None
    note: str = ""


class PatrolCheckOut(Schema):
    id: int
    point: str | None
    at: datetime
    lon: float
    lat: float
    note: str
    event_number: str | None

    @staticmethod
    def resolve_point(check: Any) -> str | None:
        return check.point.name if check.point_id else None

    @staticmethod
    def resolve_event_number(check: Any) -> str | None:
        return check.event.number if check.event_id else None


class PatrolOut(Schema):
    id: int
    task_id: int
    grid: NodeRef
    started_at: datetime
    ended_at: datetime | None
    summary: str
    checks: list[PatrolCheckOut]
    figures: dict[str, int]

    @staticmethod
    def resolve_checks(patrol: Any) -> list[Any]:
        return list(patrol.checks.select_related("point", "event"))

    @staticmethod
    def resolve_figures(patrol: Any) -> dict[str, int]:
        return patrol_figures(patrol)


class PatrolEndIn(Schema):
    summary: str


class CoverageOut(Schema):
    grid: NodeRef
    planned: int
    done: int
    share: float | None
    points_planned: int
    points_checked: int
    points_share: float | None


class CarePlanIn(Schema):
    person_id: int
    category: str
    every_days: int = 30
    first_due: date | None = None


class CarePlanOut(Schema):
    id: int
    person: str
    grid: NodeRef
    category: str
    every_days: int
    next_due: date
    active: bool

    @staticmethod
    def resolve_person(plan: Any) -> str:
        return person_label(plan.person)


class VisitIn(Schema):
    met: bool = True
    situation: str
    needs: str = ""
    follow_up_days: int | None = None
    lon: float | None = None
    lat: float | None = None


class VisitOut(Schema):
    id: int
    task_id: int
    at: datetime
    met: bool
    situation: str
    needs: str
    follow_up_task_id: int | None = Field(None, alias="follow_up_id")


class LeaveIn(Schema):
    worker: str = Field(description="The grid worker's username.")
    kind: str
    first_day: date
    last_day: date
    note: str = ""


class LeaveOut(Schema):
    id: int
    worker: str
    kind: str
    first_day: date
    last_day: date
    note: str

    @staticmethod
    def resolve_worker(leave: Any) -> str:
        return str(leave.worker.username)


class AttendanceOut(Schema):
    worker: str
    working_days: int
    leave_days: int
    present_days: int
    absent_days: int
    rate: float | None

    @staticmethod
    def resolve_worker(row: Any) -> str:
        return str(row.worker.username)


class LogIn(Schema):
    notes: str = ""
    day: date | None = None


class LogOut(Schema):
    day: date
    figures: dict[str, Any]
    notes: str
    submitted_at: datetime | None


class CompletenessOut(Schema):
    worker: str
    due: int
    submitted: int
    rate: float | None

    @staticmethod
    def resolve_worker(row: Any) -> str:
        return str(row.worker.username)


class ServiceIn(Schema):
    kind: str
    grid: str = Field("", description="The grid's code; default: the worker's grid.")
    person_id: int | None = None
    person_name: str = Field("", description="When the registry does not know the person.")
    outcome: str = "done"
    note: str = ""
    at: datetime | None = None


class ServiceOut(Schema):
    id: int
    kind: str
    grid: NodeRef
    worker: str
    person: str = Field(alias="person_label")
    at: datetime
    outcome: str
    note: str

    @staticmethod
    def resolve_worker(entry: Any) -> str:
        return str(entry.worker.username)


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.split("-"))
        date(year, month, 1)
    except ValueError as exc:
        raise InvalidInput(_("Give the month as YYYY-MM."), code="bad_month") from exc
    return year, month


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


@router.get("/tasks", response=list[TaskOut])
def task_list(request: HttpRequest, status: str = "open", mine: bool = False) -> Any:
    """The caller's tasks: a grid worker's own list; a centre's tasks of its tree, or with
    `mine` the tasks it may do itself (a community's staff given a task)."""
    user = request_user(request)
    rows = (
        selectors.tasks_of_worker(user)
        if mine or user.role == Role.GRID_WORKER
        else selectors.tasks_visible(user)
    )
    return (
        rows.filter(status=status)
        .select_related("event")
        .order_by("due_at", "id")[: selectors.LIST_LIMIT]
    )


@router.post("/tasks", response={200: TaskOut, 201: TaskOut})
def task_create(request: HttpRequest, payload: TaskIn) -> Any:
    user = request_user(request)
    grid = node_get(user, payload.grid)
    assignee = (
        selectors.grid_worker_get(user, payload.assignee, FIELD_ROLES) if payload.assignee else None
    )
    existing = (
        bool(payload.source_key)
        and FieldTask.objects.unscoped().filter(source_key=payload.source_key).exists()
    )
    task = field_task_create(
        actor=user,
        kind=payload.kind,
        title=payload.title,
        note=payload.note,
        grid=grid,
        assignee=assignee,
        due_at=payload.due_at,
        source_key=payload.source_key,
    )
    return Status(200 if existing else 201, selectors.field_task_get(user, task.pk))


@router.get("/tasks/{task_id}", response=TaskOut)
def task_detail(request: HttpRequest, task_id: int) -> Any:
    return selectors.field_task_get(request_user(request), task_id)


@router.post("/tasks/{task_id}/complete", response=TaskOut)
def task_complete(request: HttpRequest, task_id: int, payload: CompleteIn) -> Any:
    user = request_user(request)
    task = field_task_complete(
        actor=user, task=selectors.field_task_get(user, task_id), **payload.dict()
    )
    return selectors.field_task_get(user, task.pk)


@router.post("/tasks/{task_id}/complete/with-photos", response=TaskOut)
def task_complete_with_photos(
    request: HttpRequest,
    task_id: int,
    data: Form[str],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """The result as multipart: `data` holds the JSON of /complete, `photos` the JPEG, PNG
    or WebP files (each checked by its content and size; a bad one is a 422 naming it)."""
    user = request_user(request)
    payload = json_part(CompleteIn, data)
    task = field_task_complete(
        actor=user,
        task=selectors.field_task_get(user, task_id),
        photos=list(photos or []),
        **payload.dict(),
    )
    return selectors.field_task_get(user, task.pk)


@router.post("/tasks/{task_id}/cancel", response=TaskOut)
def task_cancel(request: HttpRequest, task_id: int, payload: CancelIn) -> Any:
    user = request_user(request)
    task = field_task_cancel(
        actor=user, task=selectors.field_task_get(user, task_id), reason=payload.reason
    )
    return selectors.field_task_get(user, task.pk)


@router.post("/tasks/{task_id}/finding", response={201: EventRef})
def task_finding(request: HttpRequest, task_id: int, payload: FindingIn) -> Any:
    user = request_user(request)
    event: Event = field_task_report_finding(
        actor=user,
        task=selectors.field_task_get(user, task_id),
        category_code=payload.category,
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        extra=payload.extra,
    )
    return Status(201, event)


@router.post("/checkins", response={201: CheckInOut})
def checkin_create(request: HttpRequest, payload: CheckInIn) -> Any:
    return Status(201, checkin_record(actor=request_user(request), **payload.dict()))


@router.get("/checkins", response=list[CheckInOut])
def checkin_list(request: HttpRequest) -> Any:
    user = request_user(request)
    return selectors.checkins_visible(user).filter(user=user)[:62]


@router.get("/attendance", response=list[AttendanceOut])
def attendance(request: HttpRequest, node: str = "", month: str = "") -> Any:
    user = request_user(request)
    year, number = _month(month or _this_month())
    return selectors.attendance_month(user, selectors.area_get(user, node), year, number)


@router.post("/leave", response={201: LeaveOut})
def leave_create(request: HttpRequest, payload: LeaveIn) -> Any:
    user = request_user(request)
    worker = selectors.grid_worker_get(user, payload.worker)
    return Status(
        201,
        leave_enter(
            actor=user,
            worker=worker,
            kind=payload.kind,
            first_day=payload.first_day,
            last_day=payload.last_day,
            note=payload.note,
        ),
    )


@router.get("/leave", response=list[LeaveOut])
def leave_list(request: HttpRequest) -> Any:
    return selectors.leave_visible(request_user(request))[: selectors.LIST_LIMIT]


@router.get("/patrol-plans", response=list[PatrolPlanOut])
def patrol_plan_list(request: HttpRequest) -> Any:
    return selectors.patrol_plans_visible(request_user(request)).prefetch_related("points")[
        : selectors.LIST_LIMIT
    ]


@router.post("/patrol-plans", response={201: PatrolPlanOut})
def patrol_plan_create(request: HttpRequest, payload: PatrolPlanIn) -> Any:
    user = request_user(request)
    plan = patrol_plan_save(
        actor=user,
        grid=node_get(user, payload.grid),
        name=payload.name,
        every_days=payload.every_days,
        working_days_only=payload.working_days_only,
        starts_on=payload.starts_on,
        points=[PointIn(p.name, p.lon, p.lat) for p in payload.points],
    )
    return Status(201, plan)


@router.post("/tasks/{task_id}/patrol", response={201: PatrolOut})
def patrol_begin(request: HttpRequest, task_id: int) -> Any:
    user = request_user(request)
    return Status(201, patrol_start(actor=user, task=selectors.field_task_get(user, task_id)))


@router.get("/patrols/{patrol_id}", response=PatrolOut)
def patrol_detail(request: HttpRequest, patrol_id: int) -> Any:
    return selectors.patrol_get(request_user(request), patrol_id)


@router.post("/patrols/{patrol_id}/checks", response={201: PatrolCheckOut})
def patrol_check_create(request: HttpRequest, patrol_id: int, payload: PatrolCheckIn) -> Any:
    user = request_user(request)
    return Status(
        201,
        patrol_check(actor=user, patrol=selectors.patrol_get(user, patrol_id), **payload.dict()),
    )


@router.post("/patrols/{patrol_id}/findings", response={201: EventRef})
def patrol_finding_create(request: HttpRequest, patrol_id: int, payload: FindingIn) -> Any:
    user = request_user(request)
    event = patrol_finding(
        actor=user,
        patrol=selectors.patrol_get(user, patrol_id),
        category_code=payload.category,
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        extra=payload.extra,
    )
    return Status(201, event)


@router.post("/patrols/{patrol_id}/end", response=PatrolOut)
def patrol_finish(request: HttpRequest, patrol_id: int, payload: PatrolEndIn) -> Any:
    user = request_user(request)
    patrol = patrol_end(
        actor=user, patrol=selectors.patrol_get(user, patrol_id), summary=payload.summary
    )
    return selectors.patrol_get(user, patrol.pk)


@router.get("/coverage", response=list[CoverageOut])
def coverage(request: HttpRequest, first: date, last: date, node: str = "") -> Any:
    user = request_user(request)
    return selectors.patrol_coverage(user, selectors.area_get(user, node), first, last)


@router.get("/care-plans", response=list[CarePlanOut])
def care_plan_list(request: HttpRequest) -> Any:
    return selectors.care_plans_visible(request_user(request))[: selectors.LIST_LIMIT]


@router.post("/care-plans", response={201: CarePlanOut})
def care_plan_create(request: HttpRequest, payload: CarePlanIn) -> Any:
    user = request_user(request)
    plan = care_plan_save(
        actor=user,
        person=person_get(user, payload.person_id),
        category=payload.category,
        every_days=payload.every_days,
        first_due=payload.first_due,
    )
    return Status(201, plan)


@router.post("/tasks/{task_id}/visit", response={201: VisitOut})
def visit_create(request: HttpRequest, task_id: int, payload: VisitIn) -> Any:
    user = request_user(request)
    return Status(
        201,
        visit_record(actor=user, task=selectors.field_task_get(user, task_id), **payload.dict()),
    )


@router.get("/logs/today", response=LogOut)
def log_today(request: HttpRequest) -> Any:
    """Today's log as submitted, or as it would be pre-filled now."""
    user = request_user(request)
    day = timezone.localdate()
    log = selectors.worklog_of(user, day)
    if log is not None:
        return log
    return {"day": day, "figures": worklog_figures(user, day), "notes": "", "submitted_at": None}


@router.post("/logs", response=LogOut)
def log_submit(request: HttpRequest, payload: LogIn) -> Any:
    return worklog_submit(actor=request_user(request), notes=payload.notes, day=payload.day)


@router.get("/logs/missing", response=list[str])
def log_missing(request: HttpRequest, day: date, node: str = "") -> Any:
    user = request_user(request)
    return [w.username for w in selectors.logs_missing(user, selectors.area_get(user, node), day)]


@router.get("/logs/completeness", response=list[CompletenessOut])
def log_completeness(request: HttpRequest, node: str = "", month: str = "") -> Any:
    user = request_user(request)
    year, number = _month(month or _this_month())
    return selectors.log_completeness(user, selectors.area_get(user, node), year, number)


@router.post("/services", response={201: ServiceOut})
def service_create(request: HttpRequest, payload: ServiceIn) -> Any:
    user = request_user(request)
    entry = service_record(
        actor=user,
        kind=payload.kind,
        grid=node_get(user, payload.grid) if payload.grid else None,
        person=person_get(user, payload.person_id) if payload.person_id else None,
        person_name=payload.person_name,
        outcome=payload.outcome,
        note=payload.note,
        at=payload.at,
    )
    return Status(201, entry)


@router.get("/services", response=list[ServiceOut])
def service_list(request: HttpRequest) -> Any:
    return selectors.services_visible(request_user(request))[: selectors.LIST_LIMIT]


@router.get("/services/counts", response=dict[str, list[tuple[str, int]]])
def service_count(request: HttpRequest, first: date, last: date, node: str = "") -> Any:
    user = request_user(request)
    return selectors.service_counts(user, selectors.area_get(user, node), first, last)


@router.get("/figures", response=dict[str, int | float | None])
def figures(request: HttpRequest, first: date, last: date, node: str = "") -> Any:
    """The daily table's sums and rates under a node (docs/indicators.md, issue 13)."""
    user = request_user(request)
    return selectors.field_figures(user, selectors.area_get(user, node), first, last)
