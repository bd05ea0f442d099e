"""The verification API: department systems push proposals, workers decide, staff read figures.

Proposed and current values leave masked; a phone sent in a proposal is
never returned in full.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gridgov.accounts.requests import request_user
from gridgov.jurisdiction.selectors import node_get
from gridgov.verification import actions, fields, selectors
from gridgov.verification.models import RecordKind, Source, VerificationTask
from gridgov.verification.models import Status as TaskStatus

if TYPE_CHECKING:
    pass

router = Router(tags=["verification"])

# The fields each kind's changes may name, from the registry's record specs.
PROPOSABLE = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in fields.FIELDS.items())


class NodeRef(Schema):
    code: str
    name: str


class TaskOut(Schema):
    id: int
    record_kind: RecordKind
    record_id: int | None
    grid: NodeRef
    source: Source
    batch: str
    source_time: datetime | None
    proposed: dict[str, Any] = Field(description="Proposed values; phones masked.")
    status: TaskStatus
    assigned_to: str | None
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    applied: dict[str, Any] = Field(description="Values written to the record; phones masked.")
    note: str

    @staticmethod
    def resolve_assigned_to(task: VerificationTask) -> str | None:
        return task.assigned_to.username if task.assigned_to else None

    @staticmethod
    def resolve_decided_by(task: VerificationTask) -> str | None:
        return task.decided_by.username if task.decided_by else None


class FieldRowOut(Schema):
    name: str
    label: str
    current: Any
    proposed: Any
    changed: bool


class TaskDetailOut(Schema):
    task: TaskOut
    record: str = Field(alias="title", description="The record's name; ID numbers masked.")
    rows: list[FieldRowOut]


class DecisionIn(Schema):
    decision: str = Field(description="confirm, correct or reject")
    corrected_values: dict[str, Any] | None = Field(
        None,
        description=f"For correct: the fields and the values found on the ground ({PROPOSABLE}).",
    )
    note: str = ""


class ProposalIn(Schema):
    source: str = Field(description="department_file, api_push or self_declaration")
    record_kind: str = Field(description="person, home or organisation")
    record_id: int | None = None
    id_number: str = Field("", description="For a person, instead of record_id.")
    credit_code: str = Field("", description="For an organisation, instead of record_id.")
    grid_code: str = Field("", description="For a home, with address, instead of record_id.")
    address: str = ""
    changes: dict[str, Any] = Field(description=f"The proposed value of each field ({PROPOSABLE}).")
    batch: str = Field("", description="The file or message the change came in.")
    source_time: datetime | None = None


class ProposalOut(Schema):
    created: bool
    task: TaskOut | None


class GridStatsOut(Schema):
    grid: NodeRef
    records: int
    verified: int
    verified_share: float | None
    pending: int
    oldest_pending_at: datetime | None
    oldest_pending_days: int | None


@router.get("/tasks", response=list[TaskOut])
def task_list(request: HttpRequest) -> Any:
    return selectors.tasks_for_worker(request_user(request))


@router.get("/tasks/{task_id}", response=TaskDetailOut)
def task_detail(request: HttpRequest, task_id: int) -> Any:
    return selectors.task_view(request_user(request), task_id)


@router.post("/tasks/{task_id}/decision", response=TaskOut)
def task_decision(request: HttpRequest, task_id: int, payload: DecisionIn) -> Any:
    return actions.task_decide(actor=request_user(request), task_id=task_id, **payload.dict())


@router.post("/proposals", response={200: ProposalOut, 201: ProposalOut})
def proposal_create(request: HttpRequest, payload: ProposalIn) -> Any:
    result = actions.change_propose(actor=request_user(request), **payload.dict())
    return Status(201 if result.created else 200, result)


@router.get("/stats", response=list[GridStatsOut])
def grid_stats(request: HttpRequest, node: str) -> Any:
    user = request_user(request)
    rows = selectors.grid_verification_stats(user, node_get(user, node))
    return [
        {
            "grid": row.grid,
            "records": row.records,
            "verified": row.verified,
            "verified_share": row.verified_share,
            "pending": row.pending,
            "oldest_pending_at": row.oldest_pending_at,
            "oldest_pending_days": row.oldest_pending_age.days
            if row.oldest_pending_age is not None
            else None,
        }
        for row in rows
    ]
