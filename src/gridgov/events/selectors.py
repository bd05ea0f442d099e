"""Every read of events, scoped: a node's staff see events located in their tree, a
department's handlers see the events dispatched to their department."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.core.errors import NotFound
from gridgov.departments.models import Department
from gridgov.events.models import Category, Deadline, Event, EventTransition
from gridgov.events.workflow import ADDRESSEE_COMMANDS, COMMAND_ROLES, Command, commands_from
from gridgov.jurisdiction.selectors import scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def events_visible(user: User) -> QuerySet[Event]:
    events = Event.objects.select_related(
        "category", "node", "grid", "owner", "assigned_department"
    )
    if user.role == Role.DEPARTMENT_HANDLER:
        return events.filter(assigned_department_id=user.department_id)
    return events.filter(node__code__startswith=scope_root(user).code)


def events_filtered(user: User, *, status: str = "", category: str = "") -> QuerySet[Event]:
    """The visible events, optionally in one status and under one class or subclass code."""
    events = events_visible(user)
    if status:
        events = events.filter(status=status)
    if category:
        events = events.filter(category__code__startswith=category)
    return events


def event_get(user: User, number: str) -> Event:
    event = events_visible(user).filter(number=number).first()
    if event is None:
        raise NotFound(_("No such event: %(number)s") % {"number": number}, code="event_not_found")
    return event


def event_timeline(user: User, event: Event) -> QuerySet[EventTransition]:
    """The event's steps, oldest first; the event must have come through event_get."""
    return EventTransition.objects.filter(event=event).select_related("actor").order_by("at", "id")


def event_deadlines(event: Event) -> QuerySet[Deadline]:
    return Deadline.objects.filter(event=event).order_by("started_at", "id")


def commands_open(event: Event) -> list[Command]:
    """What the loop allows from the event's state, whoever asks."""
    return commands_from(
        event.status,
        self_handle_allowed=event.category.self_handle,
        extension_pending=event.extension_minutes is not None,
    )


def command_permitted(user: User, event: Event, command: Command) -> bool:
    """Whether the user's role may give the command, and, for the addressee's commands, whether
    the event was dispatched to the user's department (when it went to one)."""
    if not user.is_active or user.role not in COMMAND_ROLES[command]:
        return False
    if command in ADDRESSEE_COMMANDS:
        if event.assigned_department_id is not None:
            return user.department_id == event.assigned_department_id
        return user.role != Role.DEPARTMENT_HANDLER
    return True


def allowed_commands(user: User, event: Event) -> list[Command]:
    return [c for c in commands_open(event) if command_permitted(user, event, c)]


def dispatch_departments(user: User, event: Event) -> QuerySet[Department]:
    """Departments the user may dispatch the event to: those inside the user's jurisdiction,
    and those serving the event's place from above it (a subdistrict dispatches to the
    district's bureaus)."""
    place = [*event.node.ancestor_codes(), event.node.code]
    return Department.objects.filter(
        Q(node__code__startswith=scope_root(user).code) | Q(node__code__in=place)
    ).select_related("node")


@dataclass(frozen=True)
class CategoryClass:
    code: str
    name: str
    subclasses: list[Category]


def category_tree() -> list[CategoryClass]:
    """The active catalogue, classes with their subclasses; it is the same for every
    jurisdiction, so it needs no scope."""
    rows = list(Category.objects.filter(active=True).order_by("code"))
    classes = [CategoryClass(c.code, c.name, []) for c in rows if not c.is_subclass]
    by_code = {c.code: c for c in classes}
    for row in rows:
        if row.is_subclass and row.code[:2] in by_code:
            by_code[row.code[:2]].subclasses.append(row)
    return classes
