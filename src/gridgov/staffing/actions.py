"""Every write to grid staff and grid work groups.

Each action checks the capability first, then that every node it touches
lies inside the actor's jurisdiction (answering NotFound, like a read, so a
sibling's tree stays invisible), then collects every problem with the input
before writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, NotFound, PermissionDenied, ProblemList
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import account_node, scope_of
from gridgov.staffing.models import (
    GroupRole,
    StaffAssignment,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)
from gridgov.staffing.selectors import staff_visible

if TYPE_CHECKING:
    from gridgov.accounts.models import User


INVALID_STAFF = _("The staff member is not valid.")
INVALID_GROUP = _("The work group is not valid.")


def _require_capability(actor: User) -> None:
    if not actor.can(Capability.MANAGE_STAFF):
        raise PermissionDenied(_("You may not manage grid staff."), code="cannot_manage_staff")


def _require_in_scope(actor: User, *nodes: Node) -> None:
    scope = scope_of(actor)
    for node in nodes:
        if not scope.covers(node.code):
            raise NotFound(
                _("No such jurisdiction node: %(code)s") % {"code": node.code},
                code="node_not_found",
            )


def _require_staff_managed(actor: User, staff: StaffMember) -> None:
    """Changing the person (not just a grid seat) belongs to whoever manages them."""
    if not scope_of(actor).covers(staff.home_node.code):
        raise NotFound(_("No such staff member."), code="staff_not_found")


def _require_staff_visible(actor: User, staff: StaffMember) -> None:
    if not staff_visible(actor).filter(pk=staff.pk).exists():
        raise NotFound(_("No such staff member."), code="staff_not_found")


def _field_problems(
    instance: StaffMember | WorkGroup | WorkGroupMember, exclude: list[str]
) -> ProblemList:
    """The model's own rules (lengths, choices, blanks, its clean()) as problems."""
    problems = ProblemList()
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, errors in exc.error_dict.items():
            for error in errors:
                problems.add(error.code or "invalid", error.messages[0], field=name)
    return problems


def _check_grids(
    problems: ProblemList, grids: list[Node], *, field: str, inside: Node | None
) -> None:
    for index, grid in enumerate(grids):
        if grid.level != Level.GRID:
            problems.add(
                "not_a_grid",
                _("%(code)s is not a grid.") % {"code": grid.code},
                field=field,
                index=index,
                item=grid.code,
            )
        elif inside is not None and not grid.code.startswith(inside.code):
            problems.add(
                "grid_outside_group",
                _("Grid %(code)s is not inside %(node)s.")
                % {"code": grid.code, "node": inside.name},
                field=field,
                index=index,
                item=grid.code,
            )


def _unique(grids: list[Node]) -> list[Node]:
    """Each grid once; problems are reported against the list as given, so indexes match it."""
    return list({grid.pk: grid for grid in grids}.values())


@transaction.atomic
def staff_create(
    *,
    actor: User,
    name: str,
    kind: str,
    home_node: Node,
    profession: str = "",
    employer: str = "",
    user: User | None = None,
    grids: Iterable[Node] = (),
    work_phone: str = "",
) -> StaffMember:
    _require_capability(actor)
    grid_list = list(grids)
    _require_in_scope(actor, home_node, *grid_list)
    if user is not None:
        place = account_node(user)
        if place is None:
            raise NotFound(_("No such account."), code="account_not_found")
        _require_in_scope(actor, place)
        if StaffMember.objects.filter(user=user).exists():
            raise Conflict(
                _("This account already belongs to a staff member."), code="account_taken"
            )
    staff = StaffMember(
        name=name.strip(),
        kind=kind,
        home_node=home_node,
        profession=profession,
        employer=employer.strip(),
        user=user,
        work_phone=work_phone.strip(),
    )
    problems = _field_problems(staff, exclude=["user"])
    _check_grids(problems, grid_list, field="grids", inside=None)
    problems.raise_if_any(INVALID_STAFF)
    staff.save()
    grid_list = _unique(grid_list)
    StaffAssignment.objects.bulk_create(StaffAssignment(staff=staff, grid=g) for g in grid_list)
    audit_record(
        actor=actor,
        action="staffing.staff_create",
        target=staff,
        detail={
            "kind": kind,
            "home_node": home_node.code,
            "grids": [g.code for g in grid_list],
        },
    )
    return staff


@transaction.atomic
def staff_update(
    *,
    actor: User,
    staff: StaffMember,
    name: str | None = None,
    kind: str | None = None,
    profession: str | None = None,
    employer: str | None = None,
    home_node: Node | None = None,
) -> StaffMember:
    """Change the given fields; None leaves a field as it is, "" clears a text field."""
    _require_capability(actor)
    _require_staff_managed(actor, staff)
    if home_node is not None:
        _require_in_scope(actor, home_node)
    changes = {
        field: value
        for field, value in {
            "name": name.strip() if name is not None else None,
            "kind": kind,
            "profession": profession,
            "employer": employer.strip() if employer is not None else None,
        }.items()
        if value is not None and value != getattr(staff, field)
    }
    for field, value in changes.items():
        setattr(staff, field, value)
    if home_node is not None and home_node.pk != staff.home_node_id:
        staff.home_node = home_node
        changes["home_node"] = home_node.code
    problems = _field_problems(staff, exclude=["user"])
    if problems:
        staff.refresh_from_db()
        problems.raise_if_any(INVALID_STAFF)
    if changes:
        staff.save(update_fields=list(changes))
        audit_record(actor=actor, action="staffing.staff_update", target=staff, detail=changes)
    return staff


@transaction.atomic
def staff_assign(*, actor: User, staff: StaffMember, grid: Node) -> StaffAssignment:
    _require_capability(actor)
    _require_in_scope(actor, grid)
    _require_staff_visible(actor, staff)
    problems = ProblemList()
    _check_grids(problems, [grid], field="grid", inside=None)
    problems.raise_if_any(INVALID_STAFF)
    if not staff.active:
        raise Conflict(_("The staff member is no longer active."), code="staff_inactive")
    assignment, created = StaffAssignment.objects.get_or_create(staff=staff, grid=grid)
    if not created:
        raise Conflict(
            _("%(name)s already works in grid %(code)s.") % {"name": staff.name, "code": grid.code},
            code="already_assigned",
        )
    audit_record(
        actor=actor, action="staffing.staff_assign", target=staff, detail={"grid": grid.code}
    )
    return assignment


@transaction.atomic
def staff_unassign(*, actor: User, staff: StaffMember, grid: Node) -> None:
    _require_capability(actor)
    _require_in_scope(actor, grid)
    _require_staff_visible(actor, staff)
    deleted, _rows = StaffAssignment.objects.filter(staff=staff, grid=grid).delete()
    if not deleted:
        raise NotFound(
            _("%(name)s does not work in grid %(code)s.") % {"name": staff.name, "code": grid.code},
            code="assignment_not_found",
        )
    audit_record(
        actor=actor, action="staffing.staff_unassign", target=staff, detail={"grid": grid.code}
    )


@transaction.atomic
def staff_deactivate(*, actor: User, staff: StaffMember) -> StaffMember:
    """Keep the person and their grid history; coverage counts only active staff."""
    _require_capability(actor)
    _require_staff_managed(actor, staff)
    if not staff.active:
        raise Conflict(_("The staff member is already inactive."), code="staff_inactive")
    staff.active = False
    staff.save(update_fields=["active"])
    audit_record(actor=actor, action="staffing.staff_deactivate", target=staff)
    return staff


def _check_group(problems: ProblemList, group: WorkGroup, grids: list[Node]) -> None:
    if not grids:
        problems.add("required", _("A work group needs at least one grid."), field="grids")
    _check_grids(problems, grids, field="grids", inside=group.node)


@transaction.atomic
def work_group_create(*, actor: User, name: str, node: Node, grids: Iterable[Node]) -> WorkGroup:
    _require_capability(actor)
    grid_list = list(grids)
    _require_in_scope(actor, node, *grid_list)
    group = WorkGroup(name=name.strip(), node=node)
    problems = _field_problems(group, exclude=["grids"])
    _check_group(problems, group, grid_list)
    problems.raise_if_any(INVALID_GROUP)
    group.save()
    grid_list = _unique(grid_list)
    group.grids.set(grid_list)
    audit_record(
        actor=actor,
        action="staffing.work_group_create",
        target=group,
        detail={"node": node.code, "grids": [g.code for g in grid_list]},
    )
    return group


def _lock_group(actor: User, group: WorkGroup) -> WorkGroup:
    """Serialise writes to one group (the one-leader rule) and re-check its scope."""
    locked = WorkGroup.objects.select_for_update().select_related("node").get(pk=group.pk)
    _require_in_scope(actor, locked.node)
    return locked


@transaction.atomic
def work_group_set_grids(*, actor: User, group: WorkGroup, grids: Iterable[Node]) -> WorkGroup:
    _require_capability(actor)
    group = _lock_group(actor, group)
    grid_list = list(grids)
    _require_in_scope(actor, *grid_list)
    problems = _field_problems(group, exclude=["grids"])
    _check_group(problems, group, grid_list)
    problems.raise_if_any(INVALID_GROUP)
    before = set(group.grids.values_list("code", flat=True))
    group.grids.set(_unique(grid_list))
    after = {g.code for g in grid_list}
    audit_record(
        actor=actor,
        action="staffing.work_group_set_grids",
        target=group,
        detail={"added": sorted(after - before), "removed": sorted(before - after)},
    )
    return group


@transaction.atomic
def work_group_member_add(
    *,
    actor: User,
    group: WorkGroup,
    role: str,
    name: str,
    title: str = "",
    staff: StaffMember | None = None,
) -> WorkGroupMember:
    """Seat someone in a group; staff is optional since deputies often come from other bodies."""
    _require_capability(actor)
    group = _lock_group(actor, group)
    if staff is not None:
        _require_staff_visible(actor, staff)
    member = WorkGroupMember(
        group=group,
        role=role,
        name=(name.strip() or (staff.name if staff is not None else "")),
        title=title.strip(),
        staff=staff,
    )
    problems = _field_problems(member, exclude=["group", "staff"])
    problems.raise_if_any(_("The work group member is not valid."))
    if role == GroupRole.LEADER and group.members.filter(role=GroupRole.LEADER).exists():
        raise Conflict(_("This work group already has a leader."), code="leader_taken")
    member.save()
    audit_record(
        actor=actor,
        action="staffing.work_group_member_add",
        target=group,
        detail={"member": member.pk, "role": role, "name": member.name},
    )
    return member


@transaction.atomic
def work_group_member_remove(*, actor: User, member: WorkGroupMember) -> None:
    _require_capability(actor)
    group = _lock_group(actor, member.group)
    member.delete()
    audit_record(
        actor=actor,
        action="staffing.work_group_member_remove",
        target=group,
        detail={"role": member.role, "name": member.name},
    )
