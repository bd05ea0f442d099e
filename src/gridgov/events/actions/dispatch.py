"""Dispatching, in one place: where an event may be dispatched (a department serving its place,
or a level holding it), the category's department by default, and the dispatch command's effect.

The event page offers these targets, the whistle summons among the same departments, and the
loop's effect refuses any other."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.departments.models import Department
from gridgov.events.actions.step import _Step
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import nodes_visible, scope_of, scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def dispatch_departments(user: User, event: Event) -> QuerySet[Department]:
    """Departments the user may dispatch the event to: those inside the user's jurisdiction,
    and those serving the event's place from above it (a subdistrict dispatches to the
    district's bureaus)."""
    place = [*event.node.ancestor_codes(), event.node.code]
    inside = Department.objects.visible_to(scope_of(user))
    above = Department.objects.unscoped().filter(node__code__in=place)
    return (inside | above).select_related("node")


def dispatch_levels(user: User, event: Event) -> QuerySet[Node]:
    """The levels of the user's jurisdiction that hold the event, the user's own included."""
    place = [*event.node.ancestor_codes(), event.node.code]
    return nodes_visible(user).filter(code__in=place)


def dispatch_choices(user: User, event: Event) -> dict[str, Any]:
    """What the event page offers: the departments, and the levels below the dispatcher's that
    hold the event, where the grid or community can solve it (小事不出网格)."""
    departments = dispatch_departments(user, event)
    return {
        "departments": departments.order_by("node__level", "code"),
        "levels": dispatch_levels(user, event).exclude(pk=scope_root(user).pk).order_by("code"),
        "default_department": _default_department(event, departments),
    }


def _dispatch(step: _Step) -> None:
    department_code, node_code = step.payload.get("department"), step.payload.get("node")
    if department_code and node_code:
        step.problems.add(
            "two_targets", _("Dispatch to a department or to a level, not both."), field="payload"
        )
        return
    if node_code:
        node = dispatch_levels(step.actor, step.event).filter(code=str(node_code)).first()
        if node is None:
            step.problems.add(
                "bad_node",
                _("Dispatch to a level of your jurisdiction that holds the event."),
                field="payload.node",
                item=str(node_code),
            )
            return
        step.updates.update(owner=node, assigned_department=None)
        return
    targets = dispatch_departments(step.actor, step.event)
    department = (
        targets.filter(code=str(department_code)).first()
        if department_code
        else _default_department(step.event, targets)
    )
    if department is None:
        step.problems.add(
            "bad_department",
            _("Name a department serving the event's place or your jurisdiction."),
            field="payload.department",
            item=str(department_code or ""),
        )
        return
    step.updates.update(owner=scope_root(step.actor), assigned_department=department)


def _default_department(event: Event, targets: QuerySet[Department]) -> Department | None:
    """The category's department when it may be reached, else the nearest one serving the
    event's place whose code ends in the category's department code (each district has its
    own bureau: 320104-urban)."""
    category = event.category
    named = targets.filter(pk=category.department_id).first() if category.department_id else None
    if named is not None or not category.department_code:
        return named
    place = [*event.node.ancestor_codes(), event.node.code]
    return (
        targets.filter(
            node__code__in=place, code__in=[f"{c}-{category.department_code}" for c in place]
        )
        .order_by("-node__level")
        .first()
    )
