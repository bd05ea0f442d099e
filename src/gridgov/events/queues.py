"""The work queues of the event pages: which tabs each role works from, and what is in them.

Built on gridgov.events.selectors.events_visible, so a queue never shows an
event its user could not open, and each row carries its `is_overdue` flag;
rows also carry the due time of the stage running now, so a list can show
time left or red without a query per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.core.scope import Scope
from gridgov.events.models import CLOCK_TICKING, Deadline, Event, EventQuerySet
from gridgov.events.paging import capped_count
from gridgov.events.selectors import EARTH_RADIUS_M, events_visible
from gridgov.events.workflow import OPEN_STATUSES, Command, Status, statuses_allowing

if TYPE_CHECKING:
    from gridgov.accounts.models import User


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    # A work tab holds the events waiting for this command: those in every state the loop's
    # table lets it be given from.
    waits_for: Command | None = None


MINE = Queue("mine", _("My reports"))
TO_VERIFY = Queue("to_verify", _("To verify"), Command.VERIFY)
TO_EVALUATE = Queue("to_evaluate", _("To evaluate"), Command.EVALUATE)
TO_REGISTER = Queue("to_register", _("To register"), Command.REGISTER)
TO_DISPATCH = Queue("to_dispatch", _("To dispatch"), Command.DISPATCH)
TO_ACCEPT = Queue("to_accept", _("To accept"), Command.ACCEPT)
IN_HAND = Queue("in_hand", _("In hand"), Command.HANDLE)
OVERDUE = Queue("overdue", _("Overdue"))
EXTENSIONS = Queue("extensions", _("Extension requests"), Command.APPROVE_EXTENSION)
ALL = Queue("all", _("All events"))
DUE_SOON = Queue("due_soon", _("Due soon"))
DUPLICATES = Queue("duplicates", _("Possible duplicates"))
ESCALATED = Queue("escalated", _("Escalated"))
SUPERVISED = Queue("supervised", _("Supervised"))
QUEUES = {
    q.key: q
    for q in (
        MINE,
        TO_VERIFY,
        TO_EVALUATE,
        TO_REGISTER,
        TO_DISPATCH,
        TO_ACCEPT,
        IN_HAND,
        OVERDUE,
        EXTENSIONS,
        ALL,
        DUE_SOON,
        DUPLICATES,
        ESCALATED,
        SUPERVISED,
    )
}

_CENTRE_QUEUES = (TO_REGISTER, TO_DISPATCH, TO_VERIFY, DUPLICATES, OVERDUE, ALL)
# Extension requests wait for those who may approve them (COMMAND_ROLES); escalations and
# supervision are theirs to follow.
_APPROVER_QUEUES = (
    TO_REGISTER,
    TO_DISPATCH,
    TO_VERIFY,
    EXTENSIONS,
    DUPLICATES,
    OVERDUE,
    ESCALATED,
    SUPERVISED,
    ALL,
)
QUEUES_OF_ROLE: dict[str, tuple[Queue, ...]] = {
    Role.GRID_WORKER: (MINE, TO_VERIFY, TO_EVALUATE, OVERDUE),
    Role.COMMUNITY_STAFF: _CENTRE_QUEUES,
    Role.SUBDISTRICT_DISPATCHER: _APPROVER_QUEUES,
    Role.DISTRICT_COMMANDER: _APPROVER_QUEUES,
    Role.DEPARTMENT_HANDLER: (TO_ACCEPT, IN_HAND, DUE_SOON, OVERDUE),
    Role.ANALYST: (ALL,),
    # The administrators run the platform, not the loop.
    Role.SYSTEM_ADMIN: (),
    Role.SECURITY_ADMIN: (),
    Role.AUDITOR: (),
    # A third-party assessor sees only its assigned assessments, never an event.
    Role.THIRD_PARTY_ASSESSOR: (),
}


def queues_for(user: User) -> tuple[Queue, ...]:
    """The tabs of the user's role; administrators and auditors work on no cases."""
    queues = QUEUES_OF_ROLE.get(user.role, ())
    if not queues:
        raise PermissionDenied(_("Your role has no event queue."), code="no_queue")
    return queues


def _open_deadline() -> QuerySet[Deadline]:
    return Deadline.objects.filter(event=OuterRef("pk"), ended_at__isnull=True)


def _in_queue(user: User, key: str) -> EventQuerySet:
    events = events_visible(user)
    if key == MINE.key:
        return events.filter(reporter=user)
    if key == OVERDUE.key:
        late = _open_deadline().filter(CLOCK_TICKING, due_at__lt=timezone.now())
        return events.filter(Exists(late), status__in=OPEN_STATUSES)
    command = QUEUES[key].waits_for
    if command is not None:
        events = events.filter(status__in=statuses_allowing(command))
    if key == TO_EVALUATE.key:
        # Closed and not yet rated: the reporter's say on how it was handled.
        return events.filter(reporter=user)
    if key == EXTENSIONS.key:
        return events.filter(extension_minutes__isnull=False)
    if key == DUE_SOON.key:
        now = timezone.now()
        soon = _open_deadline().filter(CLOCK_TICKING, due_at__range=(now, now + DUE_SOON_WITHIN))
        return events.filter(Exists(soon), status__in=OPEN_STATUSES)
    if key == DUPLICATES.key:
        return events.filter(Exists(_twin()), status__in=[Status.REPORTED, Status.REGISTERED])
    if key == ESCALATED.key:
        escalated = _open_deadline().filter(escalated_at__isnull=False)
        return events.filter(Exists(escalated), status__in=OPEN_STATUSES)
    if key == SUPERVISED.key:
        return events.filter(supervised_at__isnull=False, status__in=OPEN_STATUSES)
    return events


# "Due soon" for a department: a stage whose time runs out within the next working day or so.
DUE_SOON_WITHIN = timedelta(hours=24)


def _twin() -> QuerySet[Event]:
    """Another open event of the same category reported close by in the duplicate window: the
    box of gridgov.events.selectors.open_near, whose exact distance the event page shows."""
    radius = float(getattr(settings, "EVENT_DUPLICATE_RADIUS_M", 100))
    hours = float(getattr(settings, "EVENT_DUPLICATE_HOURS", 72))
    box = math.degrees(radius / EARTH_RADIUS_M)
    # Longitude degrees shrink with latitude; at China's latitudes (18°–54°) by under 1.7×.
    return Event.objects.filter(
        category=OuterRef("category"),
        status__in=OPEN_STATUSES,
        reported_at__gte=OuterRef("reported_at") - timedelta(hours=hours),
        lat__range=(OuterRef("lat") - box, OuterRef("lat") + box),
        lon__range=(OuterRef("lon") - box * 1.7, OuterRef("lon") + box * 1.7),
    ).exclude(pk=OuterRef("pk"))


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    category: str = ""
    since: date | None = None
    until: date | None = None
    text: str = ""
    # A node's code (its subtree) or a department's id, for the counts a home breaks down.
    node: str = ""
    department: int | None = None


def queue_events(user: User, key: str, filters: QueueFilter | None = None) -> QuerySet[Event]:
    """One tab's events, newest first, narrowed by status, category code, report date
    (local days, both ends included) and a number or words of the description."""
    if key not in {q.key for q in queues_for(user)}:
        raise NotFound(_("No such queue: %(key)s") % {"key": key}, code="queue_not_found")
    events = _in_queue(user, key)
    f = filters or QueueFilter()
    if f.status:
        events = events.filter(status=f.status)
    if f.category:
        events = events.filter(category__code__startswith=f.category)
    if f.since:
        events = events.filter(created_at__gte=_day_start(f.since))
    if f.until:
        events = events.filter(created_at__lt=_day_start(f.until + timedelta(days=1)))
    if f.node:
        events = events.visible_to(Scope.within(f.node))
    if f.department is not None:
        events = events.filter(assigned_department_id=f.department)
    if f.text.strip():
        words = f.text.strip()
        events = events.filter(Q(number__icontains=words) | Q(description__icontains=words))
    due_at = Subquery(_open_deadline().order_by("due_at").values("due_at")[:1])
    return events.annotate(due_at=due_at).select_related("reporter").order_by("-created_at", "-id")


# A tab shows 999+ beyond this: a district's whole queue is not worth a full count every 30 s.
TAB_COUNT_CAP = 999


def queue_counts(user: User) -> dict[str, int]:
    """How many events wait in each of the user's tabs, unfiltered, counted no further than
    TAB_COUNT_CAP + 1."""
    return {q.key: capped_count(_in_queue(user, q.key), TAB_COUNT_CAP) for q in queues_for(user)}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
