"""Every read of grid staff, work groups and staffing coverage, scoped to the caller.

A person or a group is visible when it is managed inside the caller's
jurisdiction or works in one of its grids: a police officer managed by the
district is still known to the community whose grid they serve. Grids
outside the caller's jurisdiction are left out of what is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope
from gridgov.jurisdiction.models import CODE_LENGTH, Level, Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.registry.selectors import with_registered
from gridgov.staffing.models import (
    GroupRole,
    StaffAssignment,
    StaffKind,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)

if TYPE_CHECKING:
    from gridgov.accounts.models import User

# The kinds that count as grid workers for coverage; helpers do not.
WORKER_KINDS = (
    StaffKind.GRID_LEADER,
    StaffKind.FULL_TIME,
    StaffKind.PART_TIME,
    StaffKind.LEGAL_AFFAIRS,
)


def _scope(user: User, node: Node | None) -> Scope:
    """The scope to filter by: the caller's, or the tree under a node inside it."""
    scope = scope_of(user)
    if node is None:
        return scope
    if not scope.covers(node.code):
        raise NotFound(
            _("No such jurisdiction node: %(code)s") % {"code": node.code}, code="node_not_found"
        )
    return Scope.under(node)


def nodes_get(user: User, codes: list[str]) -> list[Node]:
    """Several nodes by code in one query, in the order given; NotFound names the first missing."""
    found = Node.objects.visible_to(scope_of(user)).filter(code__in=codes)
    by_code = {n.code: n for n in found}
    for code in codes:
        if code not in by_code:
            raise NotFound(
                _("No such jurisdiction node: %(code)s") % {"code": code}, code="node_not_found"
            )
    return [by_code[code] for code in codes]


def staff_visible(user: User, *, node: Node | None = None, kind: str = "") -> QuerySet[StaffMember]:
    """Staff managed in, or working in a grid of, the caller's scope (or of `node` inside it)."""
    rows = StaffMember.objects.visible_to(_scope(user, node))
    if kind:
        rows = rows.filter(kind=kind)
    return (
        rows.select_related("home_node")
        .order_by("home_node__code", "kind", "name", "pk")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=StaffAssignment.objects.visible_to(scope_of(user))
                .select_related("grid")
                .order_by("grid__code"),
            )
        )
    )


def staff_get(user: User, staff_id: int) -> StaffMember:
    staff = staff_visible(user).filter(pk=staff_id).first()
    if staff is None:
        raise NotFound(_("No such staff member."), code="staff_not_found")
    return staff


def _require_grid(user: User, grid: Node) -> None:
    _scope(user, grid)
    if grid.level != Level.GRID:
        raise NotFound(_("%(code)s is not a grid.") % {"code": grid.code}, code="grid_not_found")


def staff_for_grid(user: User, grid: Node) -> QuerySet[StaffMember]:
    """The active staff working in one grid, grid leader first."""
    _require_grid(user, grid)
    kind_rank = Case(
        *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(StaffKind.values)),
        output_field=IntegerField(),
    )
    return (
        staff_visible(user)
        .filter(assignments__grid=grid, active=True)
        .alias(kind_rank=kind_rank)
        .order_by("kind_rank", "name")
    )


def _members_in_seat_order() -> QuerySet[WorkGroupMember]:
    role_rank = Case(
        *(When(role=role, then=Value(rank)) for rank, role in enumerate(GroupRole.values)),
        output_field=IntegerField(),
    )
    return WorkGroupMember.objects.alias(role_rank=role_rank).order_by("role_rank", "name", "pk")


def groups_visible(user: User, *, node: Node | None = None) -> QuerySet[WorkGroup]:
    """Groups owned in, or covering a grid of, the caller's scope (or of `node` inside it)."""
    return (
        WorkGroup.objects.visible_to(_scope(user, node))
        .select_related("node")
        .order_by("node__code", "name", "pk")
        .prefetch_related(
            Prefetch("members", queryset=_members_in_seat_order()),
            Prefetch("grids", queryset=Node.objects.visible_to(scope_of(user)).order_by("code")),
        )
    )


def group_get(user: User, group_id: int) -> WorkGroup:
    group = groups_visible(user).filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("No such work group."), code="group_not_found")
    return group


def group_member_get(group: WorkGroup, member_id: int) -> WorkGroupMember:
    """A seat of a group already fetched through group_get."""
    for member in group.members.all():
        if member.pk == member_id:
            return member
    raise NotFound(_("No such work group member."), code="member_not_found")


def groups_for_grid(user: User, grid: Node) -> QuerySet[WorkGroup]:
    _require_grid(user, grid)
    return groups_visible(user).filter(grids=grid)


@dataclass
class CoverageRow:
    """One area's staffing against "every grid has ≥ 1 full-time and ≥ 1 legal-affairs worker"."""

    node: Node
    grid_count: int = 0
    grids_without_full_time: list[tuple[str, str]] = field(default_factory=list)
    grids_without_legal_affairs: list[tuple[str, str]] = field(default_factory=list)
    worker_count: int = 0
    population: int | None = None
    workers_per_thousand: float | None = None
    # Grids whose population is unknown; the area's population is only
    # reported when none is, since a partial sum would flatter the ratio.
    unknown_population: int = 0
    # The people living in the area by the registry, shown beside the imported population.
    registered: int = 0

    @property
    def fully_covered(self) -> bool:
        return not self.grids_without_full_time and not self.grids_without_legal_affairs

    def _finish(self, known_population: int) -> None:
        if self.grid_count and not self.unknown_population:
            self.population = known_population
            if known_population:
                self.workers_per_thousand = round(self.worker_count * 1000 / known_population, 2)


@dataclass
class CoverageReport:
    node: Node
    rows: list[CoverageRow]
    total: CoverageRow


def coverage_report(user: User, node: Node) -> CoverageReport:
    """Coverage of each child of `node` (or of a grid by itself) in four queries, at city scale.

    Grids and their full-time / legal-affairs head-counts come from one
    grouped query; distinct workers per child and overall from two more, so
    a person serving two grids of one area counts once there.
    """
    scope = _scope(user, node)
    if node.level == Level.GRID:
        children = [node]
    else:
        children = list(
            Node.objects.visible_to(scope).filter(parent=node).defer("boundary").order_by("code")
        )
    prefix_length = len(node.code) if node.level == Level.GRID else CODE_LENGTH[node.level + 1]
    rows = {child.code: CoverageRow(node=child) for child in children}
    total = CoverageRow(node=node)
    population: dict[int, int] = defaultdict(int)  # by id() of the row

    active_worker = Q(staff__active=True, staff__kind__in=WORKER_KINDS)
    grids = (
        with_registered(Node.objects.visible_to(scope).filter(level=Level.GRID))
        .annotate(
            full_time=Count(
                "assignments",
                filter=Q(
                    assignments__staff__active=True, assignments__staff__kind=StaffKind.FULL_TIME
                ),
            ),
            legal_affairs=Count(
                "assignments",
                filter=Q(
                    assignments__staff__active=True,
                    assignments__staff__kind=StaffKind.LEGAL_AFFAIRS,
                ),
            ),
        )
        .order_by("code")
        .values_list("code", "name", "population", "registered", "full_time", "legal_affairs")
    )
    for grid_code, name, grid_population, registered, full_time, legal_affairs in grids:
        row = rows.get(grid_code[:prefix_length])
        for target in (row, total) if row is not None else (total,):
            target.grid_count += 1
            target.registered += registered
            if not full_time:
                target.grids_without_full_time.append((grid_code, name))
            if not legal_affairs:
                target.grids_without_legal_affairs.append((grid_code, name))
            if grid_population is None:
                target.unknown_population += 1
            else:
                population[id(target)] += grid_population

    assignments = StaffAssignment.objects.visible_to(scope).filter(
        active_worker, grid__level=Level.GRID
    )
    per_child = (
        assignments.annotate(prefix=Substr("grid__code", 1, prefix_length))
        .values("prefix")
        .annotate(workers=Count("staff_id", distinct=True))
        .values_list("prefix", "workers")
    )
    for prefix, workers in per_child:
        if prefix in rows:
            rows[prefix].worker_count = workers
    total.worker_count = assignments.aggregate(n=Count("staff_id", distinct=True))["n"]

    for row in (*rows.values(), total):
        row._finish(population[id(row)])
    return CoverageReport(node=node, rows=list(rows.values()), total=total)
