"""Grid staff (leaders, workers, legal-affairs workers, helpers) and grid work groups."""

from typing import TYPE_CHECKING, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.paging import PageNumberPagination
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.staffing import actions, selectors
from gridgov.staffing.models import (
    GroupRole,
    LegalProfession,
    StaffKind,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)

if TYPE_CHECKING:
    pass

router = Router(tags=["staffing"])


class NodeRef(Schema):
    code: str
    name: str


class StaffOut(Schema):
    id: int
    name: str
    kind: StaffKind
    kind_label: str = Field(alias="get_kind_display")
    profession: str
    employer: str
    active: bool
    home_node: NodeRef
    grids: list[NodeRef] = Field(
        description="The grids this person works in, among those the caller may see."
    )

    @staticmethod
    def resolve_grids(obj: StaffMember) -> list[Node]:
        return [assignment.grid for assignment in obj.assignments.all()]


class StaffIn(Schema):
    name: str
    kind: StaffKind
    home_node: str = Field(description="Code of the community (or higher) that manages them.")
    profession: LegalProfession | None = Field(
        None, description="Required for legal-affairs workers, refused for everyone else."
    )
    employer: str = ""
    grids: list[str] = Field(default_factory=list, description="Codes of the grids they work in.")


class StaffPatch(Schema):
    name: str | None = None
    kind: StaffKind | None = None
    home_node: str | None = None
    profession: LegalProfession | Literal[""] | None = Field(
        None, description='Leave out to keep, send "" to remove.'
    )
    employer: str | None = None


class AssignmentIn(Schema):
    grid_code: str


class MemberOut(Schema):
    id: int
    role: GroupRole
    role_label: str = Field(alias="get_role_display")
    name: str
    title: str
    staff_id: int | None


class GroupOut(Schema):
    id: int
    name: str
    node: NodeRef
    grids: list[NodeRef]
    members: list[MemberOut]


class GroupIn(Schema):
    name: str
    node: str = Field(description="Code of the community (or higher) that owns the group.")
    grids: list[str] = Field(description="Codes of its grids, all inside the owning node.")


class GroupGridsIn(Schema):
    grids: list[str]


class MemberIn(Schema):
    role: GroupRole
    name: str = Field("", description="May be left out when staff_id names a staff member.")
    title: str = ""
    staff_id: int | None = None


class CoverageRowOut(Schema):
    node: NodeRef
    grid_count: int
    grids_without_full_time: list[NodeRef]
    grids_without_legal_affairs: list[NodeRef]
    worker_count: int
    population: int | None
    workers_per_thousand: float | None
    fully_covered: bool

    @staticmethod
    def resolve_grids_without_full_time(obj: selectors.CoverageRow) -> list[dict[str, str]]:
        return [{"code": code, "name": name} for code, name in obj.grids_without_full_time]

    @staticmethod
    def resolve_grids_without_legal_affairs(obj: selectors.CoverageRow) -> list[dict[str, str]]:
        return [{"code": code, "name": name} for code, name in obj.grids_without_legal_affairs]


class CoverageOut(Schema):
    node: NodeRef
    rows: list[CoverageRowOut]
    total: CoverageRowOut


@router.get("/staff", response=list[StaffOut])
@paginate(PageNumberPagination, page_size=50)
def staff_list(
    request: HttpRequest, node: str | None = None, kind: StaffKind | None = None
) -> list[StaffMember]:
    user = request_user(request)
    where = node_get(user, node) if node else None
    return selectors.staff_visible(user, node=where, kind=kind or "")  # type: ignore[return-value]


@router.get("/staff/{staff_id}", response=StaffOut)
def staff_detail(request: HttpRequest, staff_id: int) -> StaffMember:
    return selectors.staff_get(request_user(request), staff_id)


@router.post("/staff", response={201: StaffOut})
def staff_create(request: HttpRequest, payload: StaffIn) -> Status[StaffMember]:
    user = request_user(request)
    staff = actions.staff_create(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        home_node=node_get(user, payload.home_node),
        profession=payload.profession or "",
        employer=payload.employer,
        grids=selectors.nodes_get(user, payload.grids),
    )
    return Status(201, selectors.staff_get(user, staff.pk))


@router.patch("/staff/{staff_id}", response=StaffOut)
def staff_update(request: HttpRequest, staff_id: int, payload: StaffPatch) -> StaffMember:
    user = request_user(request)
    actions.staff_update(
        actor=user,
        staff=selectors.staff_get(user, staff_id),
        name=payload.name,
        kind=payload.kind,
        profession=payload.profession,
        employer=payload.employer,
        home_node=node_get(user, payload.home_node) if payload.home_node else None,
    )
    return selectors.staff_get(user, staff_id)


@router.post("/staff/{staff_id}/deactivate", response=StaffOut)
def staff_deactivate(request: HttpRequest, staff_id: int) -> StaffMember:
    user = request_user(request)
    actions.staff_deactivate(actor=user, staff=selectors.staff_get(user, staff_id))
    return selectors.staff_get(user, staff_id)


@router.post("/staff/{staff_id}/assignments", response={201: StaffOut})
def staff_assign(request: HttpRequest, staff_id: int, payload: AssignmentIn) -> Status[StaffMember]:
    user = request_user(request)
    actions.staff_assign(
        actor=user,
        staff=selectors.staff_get(user, staff_id),
        grid=node_get(user, payload.grid_code),
    )
    return Status(201, selectors.staff_get(user, staff_id))


@router.delete("/staff/{staff_id}/assignments/{grid_code}", response={204: None})
def staff_unassign(request: HttpRequest, staff_id: int, grid_code: str) -> Status[None]:
    user = request_user(request)
    actions.staff_unassign(
        actor=user, staff=selectors.staff_get(user, staff_id), grid=node_get(user, grid_code)
    )
    return Status(204, None)


@router.get("/groups", response=list[GroupOut])
@paginate(PageNumberPagination, page_size=50)
def group_list(request: HttpRequest, node: str | None = None) -> list[WorkGroup]:
    user = request_user(request)
    where = node_get(user, node) if node else None
    return selectors.groups_visible(user, node=where)  # type: ignore[return-value]


@router.get("/groups/{group_id}", response=GroupOut)
def group_detail(request: HttpRequest, group_id: int) -> WorkGroup:
    return selectors.group_get(request_user(request), group_id)


@router.post("/groups", response={201: GroupOut})
def group_create(request: HttpRequest, payload: GroupIn) -> Status[WorkGroup]:
    user = request_user(request)
    group = actions.work_group_create(
        actor=user,
        name=payload.name,
        node=node_get(user, payload.node),
        grids=selectors.nodes_get(user, payload.grids),
    )
    return Status(201, selectors.group_get(user, group.pk))


@router.put("/groups/{group_id}/grids", response=GroupOut)
def group_set_grids(request: HttpRequest, group_id: int, payload: GroupGridsIn) -> WorkGroup:
    user = request_user(request)
    actions.work_group_set_grids(
        actor=user,
        group=selectors.group_get(user, group_id),
        grids=selectors.nodes_get(user, payload.grids),
    )
    return selectors.group_get(user, group_id)


@router.post("/groups/{group_id}/members", response={201: MemberOut})
def group_member_add(
    request: HttpRequest, group_id: int, payload: MemberIn
) -> Status[WorkGroupMember]:
    user = request_user(request)
    member = actions.work_group_member_add(
        actor=user,
        group=selectors.group_get(user, group_id),
        role=payload.role,
        name=payload.name,
        title=payload.title,
        staff=selectors.staff_get(user, payload.staff_id) if payload.staff_id else None,
    )
    return Status(201, member)


@router.delete("/groups/{group_id}/members/{member_id}", response={204: None})
def group_member_remove(request: HttpRequest, group_id: int, member_id: int) -> Status[None]:
    user = request_user(request)
    group = selectors.group_get(user, group_id)
    actions.work_group_member_remove(
        actor=user, member=selectors.group_member_get(group, member_id)
    )
    return Status(204, None)


@router.get("/coverage", response=CoverageOut)
def coverage(request: HttpRequest, node: str | None = None) -> selectors.CoverageReport:
    """Per child of the node (default: the caller's whole jurisdiction)."""
    user = request_user(request)
    return selectors.coverage_report(user, node_get(user, node) if node else scope_root(user))
