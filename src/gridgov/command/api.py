"""Linked command (联动指挥): centres, instructions and their receipts, emergency plans and
activations with their orders, duty rosters, and the wall display's data."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.command import selectors
from gridgov.command.actions import centres as centre_actions
from gridgov.command.actions import instructions as instruction_actions
from gridgov.command.actions import plans as plan_actions
from gridgov.command.actions import rosters as roster_actions
from gridgov.command.actions.instructions import Targets
from gridgov.command.models import (
    Activation,
    CommandCentre,
    EmergencyPlan,
    Instruction,
    Receipt,
    Shift,
    ShiftSwap,
)
from gridgov.core.errors import NotFound
from gridgov.core.paging import PageNumberPagination
from gridgov.core.scope import Scope
from gridgov.departments.selectors import department_get
from gridgov.jurisdiction.selectors import node_get, scope_of

router = Router(tags=["command"])


class CentreOut(Schema):
    id: int
    name: str
    kind: str
    area_code: str = Field(alias="node.code")
    area_name: str = Field(alias="node.name")
    department_code: str | None = Field(None, alias="department.code")
    parent_id: int | None


class CentreIn(Schema):
    name: str
    node: str | None = Field(None, description="A city, district or subdistrict code.")
    department: str | None = Field(None, description="A department's code, for its sub-centre.")
    parent_id: int | None = None


class MemberIn(Schema):
    user_id: int
    role: str = Field(description="commander, duty_officer or member.")


class MemberOut(Schema):
    user_id: int
    name: str
    role: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.display_name or obj.user.username)


class TargetsIn(Schema):
    centres: list[int] = []
    grids: list[str] = []
    users: list[int] = []
    area: str = Field("", description="A node code: every grid worker under it.")


class InstructionIn(Schema):
    centre_id: int
    title: str
    body: str = ""
    priority: str = Field("normal", description="normal or urgent.")
    due_at: datetime
    ack_minutes: int = Field(60, description="Minutes to acknowledge before an urgent one climbs.")
    targets: TargetsIn


class OrderIn(Schema):
    centre_id: int
    title: str
    body: str = ""
    targets: TargetsIn
    event_number: str = Field("", description="Dispatch this event to the one unit ordered.")


class InstructionOut(Schema):
    id: int
    centre_id: int
    activation_id: int | None
    title: str
    body: str
    priority: str
    targets: dict[str, Any]
    due_at: datetime
    ack_due_at: datetime
    sent_at: datetime
    fanned_out_at: datetime | None
    escalated_at: datetime | None


class CountsOut(Schema):
    total: int = 0
    pending: int = 0
    acknowledged: int = 0
    done: int = 0


class ReceiptOut(Schema):
    id: int
    instruction_id: int
    instruction_title: str = Field(alias="instruction.title")
    recipient_id: int
    unit: str
    status: str
    delivered_at: datetime | None
    acknowledged_at: datetime | None
    done_at: datetime | None
    note: str


class StepIn(Schema):
    note: str = ""


class PlanIn(Schema):
    centre_id: int
    name: str
    kind: str = Field(description="flood, fire, public_health, mass_incident or large_event.")
    levels: dict[str, Any] = Field(
        default_factory=dict,
        description='{"II": {"units": [centre ids], "instructions": [{"title", "body"}]}}',
    )
    checklist: list[str] = []
    duration_hours: int = 24
    order_limit_minutes: int = 30


class PlanOut(Schema):
    id: int
    centre_id: int
    name: str
    kind: str
    levels: dict[str, Any]
    checklist: list[str]
    duration_hours: int
    order_limit_minutes: int


class ActivationIn(Schema):
    area: str = Field(description="The node code the headquarters commands.")
    level: str = Field(description="I, II, III or IV.")
    reason: str


class EndIn(Schema):
    note: str


class ActivationOut(Schema):
    id: int
    plan_id: int
    centre_id: int
    area_code: str = Field(alias="area.code")
    level: str
    reason: str
    activated_at: datetime
    ends_at: datetime
    ended_at: datetime | None
    end_note: str
    report: dict[str, Any]


class ShiftIn(Schema):
    user_id: int
    starts_at: datetime
    ends_at: datetime
    grid: str = ""


class RosterIn(Schema):
    start: datetime
    end: datetime
    shifts: list[ShiftIn]
    accept_gaps: bool = Field(False, description="Save although units are left with nobody.")


class ShiftOut(Schema):
    id: int
    unit_code: str = Field(alias="node.code")
    unit_name: str = Field(alias="node.name")
    centre_id: int | None
    user_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime


class GapOut(Schema):
    unit: str
    start: datetime
    end: datetime


class RosterOut(Schema):
    shifts: list[ShiftOut]
    gaps: list[GapOut]


class DutyOut(Schema):
    now: list[ShiftOut]
    next: list[ShiftOut]


class SwapIn(Schema):
    to_user_id: int


class DecisionIn(Schema):
    approve: bool


class SwapOut(Schema):
    id: int
    shift_id: int
    to_user_id: int
    status: str


def _centre(request: HttpRequest, centre_id: int) -> CommandCentre:
    return selectors.centre_get(request_user(request), centre_id)


def _user_in(user: User, user_id: int) -> User:
    found = User.objects.visible_to(scope_of(user)).filter(pk=user_id).first()
    if found is None:
        raise NotFound("No such account.", code="user_not_found")
    return found


def _targets(payload: TargetsIn) -> Targets:
    return Targets(
        centres=payload.centres, grids=payload.grids, users=payload.users, area=payload.area
    )


@router.get("/centres", response=list[CentreOut])
def centre_list(request: HttpRequest) -> list[CommandCentre]:
    return list(selectors.centres_visible(request_user(request))[:500])


@router.post("/centres", response={201: CentreOut})
def centre_create(request: HttpRequest, payload: CentreIn) -> Status[CommandCentre]:
    user = request_user(request)
    centre = centre_actions.centre_create(
        actor=user,
        name=payload.name,
        node=node_get(user, payload.node) if payload.node else None,
        department=department_get(user, payload.department) if payload.department else None,
        parent=selectors.centre_get(user, payload.parent_id) if payload.parent_id else None,
    )
    return Status(201, centre)


@router.get("/centres/{centre_id}", response=CentreOut)
def centre_detail(request: HttpRequest, centre_id: int) -> CommandCentre:
    return _centre(request, centre_id)


@router.get("/centres/{centre_id}/members", response=list[MemberOut])
def member_list(request: HttpRequest, centre_id: int) -> list[Any]:
    return list(selectors.members_of(_centre(request, centre_id)))


@router.put("/centres/{centre_id}/members", response=MemberOut)
def member_set(request: HttpRequest, centre_id: int, payload: MemberIn) -> Any:
    user = request_user(request)
    centre = _centre(request, centre_id)
    return centre_actions.member_set(
        actor=user, centre=centre, user=_user_in(user, payload.user_id), role=payload.role
    )


@router.get("/centres/{centre_id}/wall", response=dict[str, Any])
def wall(request: HttpRequest, centre_id: int) -> dict[str, Any]:
    """What the wall display shows; it polls this every few seconds."""
    return selectors.wall_data(_centre(request, centre_id))


@router.get("/centres/{centre_id}/duty", response=DutyOut)
def duty(request: HttpRequest, centre_id: int) -> dict[str, list[Shift]]:
    scope = Scope.under(_centre(request, centre_id).node)
    return {
        "now": list(selectors.on_duty(scope)),
        "next": list(selectors.next_on_duty(scope)[:20]),
    }


@router.put("/centres/{centre_id}/roster", response=RosterOut)
def roster_save(request: HttpRequest, centre_id: int, payload: RosterIn) -> dict[str, Any]:
    """Replace the centre's shifts in [start, end); refused with the gaps (422 roster_gaps)
    unless accept_gaps."""
    saved, gaps = roster_actions.roster_save(
        actor=request_user(request),
        centre=_centre(request, centre_id),
        start=payload.start,
        end=payload.end,
        shifts=[
            roster_actions.ShiftIn(
                user_id=s.user_id, starts_at=s.starts_at, ends_at=s.ends_at, grid=s.grid
            )
            for s in payload.shifts
        ],
        accept_gaps=payload.accept_gaps,
    )
    shifts = selectors.shifts_visible(request_user(request)).filter(pk__in=[s.pk for s in saved])
    return {"shifts": list(shifts), "gaps": gaps}


@router.get("/shifts", response=list[ShiftOut])
@paginate(PageNumberPagination, page_size=200)
def shift_list(request: HttpRequest, start: datetime, end: datetime) -> list[Shift]:
    user = request_user(request)
    return selectors.shifts_in(scope_of(user), start, end)  # type: ignore[return-value]


@router.post("/shifts/{shift_id}/swaps", response={201: SwapOut})
def swap_request(request: HttpRequest, shift_id: int, payload: SwapIn) -> Status[ShiftSwap]:
    user = request_user(request)
    swap = roster_actions.swap_request(
        actor=user,
        shift=selectors.shift_get(user, shift_id),
        to_user=_user_in(user, payload.to_user_id),
    )
    return Status(201, swap)


@router.post("/swaps/{swap_id}/decision", response=SwapOut)
def swap_decide(request: HttpRequest, swap_id: int, payload: DecisionIn) -> ShiftSwap:
    user = request_user(request)
    return roster_actions.swap_decide(
        actor=user, swap=selectors.swap_get(user, swap_id), approve=payload.approve
    )


@router.post("/instructions", response={201: InstructionOut})
def instruction_send(request: HttpRequest, payload: InstructionIn) -> Status[Instruction]:
    user = request_user(request)
    instruction = instruction_actions.instruction_send(
        actor=user,
        centre=selectors.centre_get(user, payload.centre_id),
        title=payload.title,
        body=payload.body,
        priority=payload.priority,
        due_at=payload.due_at,
        ack_minutes=payload.ack_minutes,
        targets=_targets(payload.targets),
    )
    return Status(201, instruction)


@router.post("/orders", response={201: InstructionOut})
def order_send(request: HttpRequest, payload: OrderIn) -> Status[Instruction]:
    """An order: to the centres directly below, or to any unit of the area while the centre
    is a headquarters; with an event, the order dispatches it."""
    user = request_user(request)
    order = plan_actions.order_send(
        actor=user,
        centre=selectors.centre_get(user, payload.centre_id),
        title=payload.title,
        body=payload.body,
        targets=_targets(payload.targets),
        event_number=payload.event_number,
    )
    return Status(201, order)


@router.get("/instructions", response=list[InstructionOut])
@paginate(PageNumberPagination, page_size=50)
def instruction_list(request: HttpRequest) -> list[Instruction]:
    return selectors.instructions_visible(request_user(request))  # type: ignore[return-value]


@router.get("/instructions/{instruction_id}", response=InstructionOut)
def instruction_detail(request: HttpRequest, instruction_id: int) -> Instruction:
    return selectors.instruction_get(request_user(request), instruction_id)


@router.get("/instructions/{instruction_id}/counts", response=CountsOut)
def instruction_counts(request: HttpRequest, instruction_id: int) -> dict[str, int]:
    return selectors.instruction_counts(
        selectors.instruction_get(request_user(request), instruction_id)
    )


@router.get("/instructions/{instruction_id}/receipts", response=list[ReceiptOut])
@paginate(PageNumberPagination, page_size=200)
def instruction_receipts(
    request: HttpRequest, instruction_id: int, unacknowledged: bool = False
) -> list[Receipt]:
    instruction = selectors.instruction_get(request_user(request), instruction_id)
    return selectors.receipts_of(instruction, unacknowledged=unacknowledged)  # type: ignore[return-value]


@router.post("/instructions/{instruction_id}/remind", response=CountsOut)
def instruction_remind(request: HttpRequest, instruction_id: int) -> dict[str, int]:
    user = request_user(request)
    instruction = selectors.instruction_get(user, instruction_id)
    instruction_actions.instruction_remind(actor=user, instruction=instruction)
    return selectors.instruction_counts(instruction)


@router.get("/receipts", response=list[ReceiptOut])
@paginate(PageNumberPagination, page_size=50)
def receipt_list(request: HttpRequest) -> list[Receipt]:
    """The instructions addressed to the caller."""
    return selectors.receipts_mine(request_user(request))  # type: ignore[return-value]


@router.post("/receipts/{receipt_id}/{command}", response=ReceiptOut)
def receipt_step(request: HttpRequest, receipt_id: int, command: str, payload: StepIn) -> Receipt:
    """acknowledge (已收到) or report (已落实, with a note)."""
    return instruction_actions.receipt_apply(
        actor=request_user(request), receipt_id=receipt_id, command=command, note=payload.note
    )


@router.get("/plans", response=list[PlanOut])
def plan_list(request: HttpRequest) -> list[EmergencyPlan]:
    return list(selectors.plans_visible(request_user(request))[:200])


@router.post("/plans", response={201: PlanOut})
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[EmergencyPlan]:
    user = request_user(request)
    plan = plan_actions.plan_save(
        actor=user,
        centre=selectors.centre_get(user, payload.centre_id),
        name=payload.name,
        kind=payload.kind,
        levels=payload.levels,
        checklist=payload.checklist,
        duration_hours=payload.duration_hours,
        order_limit_minutes=payload.order_limit_minutes,
    )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response=PlanOut)
def plan_detail(request: HttpRequest, plan_id: int) -> EmergencyPlan:
    return selectors.plan_get(request_user(request), plan_id)


@router.post("/plans/{plan_id}/activations", response={201: ActivationOut})
def activation_start(
    request: HttpRequest, plan_id: int, payload: ActivationIn
) -> Status[Activation]:
    user = request_user(request)
    activation = plan_actions.activation_start(
        actor=user,
        plan=selectors.plan_get(user, plan_id),
        area=node_get(user, payload.area),
        level=payload.level,
        reason=payload.reason,
    )
    return Status(201, activation)


@router.get("/activations", response=list[ActivationOut])
def activation_list(request: HttpRequest) -> list[Activation]:
    return list(selectors.activations_visible(request_user(request))[:100])


@router.get("/activations/{activation_id}", response=ActivationOut)
def activation_detail(request: HttpRequest, activation_id: int) -> Activation:
    return selectors.activation_get(request_user(request), activation_id)


@router.post("/activations/{activation_id}/end", response=ActivationOut)
def activation_end(request: HttpRequest, activation_id: int, payload: EndIn) -> Activation:
    """Back to normal operation; the answer carries the report."""
    user = request_user(request)
    return plan_actions.activation_end(
        actor=user, activation=selectors.activation_get(user, activation_id), note=payload.note
    )
