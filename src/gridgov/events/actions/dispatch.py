"""Dispatching: to a department serving the event's place, or to a level that holds it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.departments.models import Department
from gridgov.events.actions.step import _Step
from gridgov.events.models import (
    Event,
)
from gridgov.events.selectors import (
    dispatch_departments,
)
from gridgov.jurisdiction.selectors import nodes_visible, scope_root


def _dispatch(step: _Step) -> None:
    department_code, node_code = step.payload.get("department"), step.payload.get("node")
    if department_code and node_code:
        step.problems.add(
            "two_targets", _("Dispatch to a department or to a level, not both."), field="payload"
        )
        return
    if node_code:
        node = nodes_visible(step.actor).filter(code=str(node_code)).first()
        if node is None or not step.event.node.code.startswith(node.code):
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
