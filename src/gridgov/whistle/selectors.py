"""Every read of whistles and summons, scoped: a node's staff see the whistles blown inside
their tree, a department's handlers see the summons to their department."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Avg, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.core.scope import Scope, ScopedQuerySet
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.whistle.models import Step, Summons, Whistle, WhistleLog
from gridgov.worktime.calendar import current_calendar

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def whistles_visible(user: User) -> QuerySet[Whistle]:
    return Whistle.objects.visible_to(scope_of(user)).select_related("event", "node", "blown_by")


def whistle_get(user: User, whistle_id: int) -> Whistle:
    whistle = (
        whistles_visible(user)
        .filter(pk=whistle_id)
        .prefetch_related(
            Prefetch("summonses", queryset=summonses_visible(user).order_by("department__code"))
        )
        .first()
    )
    if whistle is None:
        raise NotFound(_("No such whistle."), code="whistle_not_found")
    return whistle


def whistle_open_for_event(user: User, event_id: int) -> Whistle | None:
    return whistles_visible(user).filter(event_id=event_id, closed_at__isnull=True).first()


def whistle_log(whistle: Whistle) -> QuerySet[WhistleLog]:
    """The whistle's steps, oldest first; the whistle must have come through whistle_get."""
    return WhistleLog.objects.filter(whistle=whistle).select_related("actor", "summons__department")


def summonses_visible(user: User) -> ScopedQuerySet[Summons]:
    """A department handler sees its department's summons; everyone else those of the
    whistles blown inside their jurisdiction."""
    return Summons.objects.visible_to(scope_of(user)).select_related(
        "whistle__event", "whistle__node", "department", "reported_by", "verified_by", "rated_by"
    )


def summons_get(user: User, summons_id: int) -> Summons:
    summons = summonses_visible(user).filter(pk=summons_id).first()
    if summons is None:
        raise NotFound(_("No such summons."), code="summons_not_found")
    return summons


@dataclass
class DepartmentQueue:
    """A department's summons: to report to, in hand (reported, part not yet done), late
    (not reported past the time limit; also among those to report)."""

    to_report: list[Summons] = field(default_factory=list)
    in_hand: list[Summons] = field(default_factory=list)
    late: list[Summons] = field(default_factory=list)


def summons_for_department(user: User, now: datetime | None = None) -> DepartmentQueue:
    if user.role != Role.DEPARTMENT_HANDLER:
        raise PermissionDenied(
            _("Only a department handler has a summons queue."), code="not_department"
        )
    now = now or timezone.now()
    queue = DepartmentQueue()
    rows = summonses_visible(user).filter(
        whistle__closed_at__isnull=True, part_done_at__isnull=True
    )
    for summons in rows.order_by("report_due_at", "id"):
        if summons.reported_at is None:
            queue.to_report.append(summons)
            if summons.report_due_at < now:
                queue.late.append(summons)
        else:
            queue.in_hand.append(summons)
    return queue


def summonses_escalated(user: User) -> QuerySet[Summons]:
    """Late reports escalated to the district, for the district's commanders (and above)."""
    return summonses_visible(user).filter(escalated_at__isnull=False).order_by("-escalated_at")


@dataclass(frozen=True)
class DepartmentWhistleStats:
    department: Department
    summoned: int
    reported: int
    reported_on_time: int
    average_report_minutes: float | None
    average_rating: float | None
    rated: int


def department_whistle_stats(
    user: User, node: Node, since: datetime
) -> list[DepartmentWhistleStats]:
    """Per department summoned by whistles blown under `node` since `since`: how many times,
    how many reports came in time, the mean working minutes from whistle to report, and the
    mean rating. The node must have come through a scoped selector."""
    if not scope_of(user).covers(node.code):
        raise NotFound(_("No such jurisdiction node: %(code)s") % {"code": node.code})
    rows = (
        summonses_visible(user).visible_to(Scope.under(node)).filter(whistle__blown_at__gte=since)
    )
    ratings = {
        r["department_id"]: r["avg"]
        for r in rows.filter(rating__isnull=False)
        .values("department_id")
        .annotate(avg=Avg("rating"))
        .order_by()
    }
    calendar = current_calendar()
    by_department: dict[int, list[Summons]] = {}
    for summons in rows.order_by("department__code", "id"):
        by_department.setdefault(summons.department_id, []).append(summons)
    stats = []
    for department_id, summonses in by_department.items():
        reported = [s for s in summonses if s.reported_at is not None]
        minutes = [
            calendar.working_minutes_between(s.whistle.blown_at, s.reported_at)
            for s in reported
            if s.reported_at is not None
        ]
        stats.append(
            DepartmentWhistleStats(
                department=summonses[0].department,
                summoned=len(summonses),
                reported=len(reported),
                reported_on_time=sum(1 for s in reported if not s.reported_late),
                average_report_minutes=sum(minutes) / len(minutes) if minutes else None,
                average_rating=float(ratings[department_id]) if department_id in ratings else None,
                rated=sum(1 for s in summonses if s.rating is not None),
            )
        )
    return stats


def whistles_filtered(
    user: User, *, open: bool | None = None, awaiting_report: bool = False
) -> QuerySet[Whistle]:
    """The visible whistles, optionally only the open (True) or the closed (False) ones, or
    only those a summoned department has not reported to yet."""
    whistles = whistles_visible(user)
    if open is not None:
        whistles = whistles.filter(closed_at__isnull=open)
    if awaiting_report:
        waiting = Summons.objects.filter(whistle=OuterRef("pk"), reported_at__isnull=True)
        whistles = whistles.filter(Exists(waiting), closed_at__isnull=True)
    return whistles


@dataclass(frozen=True)
class SummonsRow:
    """A summons as a page shows it: whether it is late, and what the viewer may do now."""

    summons: Summons
    late: bool
    steps: list[str]


def summons_steps(user: User, summons: Summons) -> list[str]:
    """The whistle steps the user may take on the summons now; the actions decide again."""
    if not user.is_active:
        return []
    if user.role == Role.DEPARTMENT_HANDLER and user.department_id == summons.department_id:
        if summons.whistle.closed_at is not None:
            return []
        if summons.reported_at is None:
            return [Step.REPORT]
        return [Step.PART_DONE] if summons.part_done_at is None else []
    if user.role != Role.SUBDISTRICT_DISPATCHER:
        return []
    steps: list[str] = []
    if summons.part_done_at is not None and summons.part_verified_at is None:
        steps.append(Step.VERIFY)
    if summons.reported_at is not None and summons.rating is None:
        steps.append(Step.RATE)
    return steps


def whistle_rows(user: User, whistle: Whistle, now: datetime | None = None) -> list[SummonsRow]:
    """The summons of a whistle fetched through whistle_get, as the user may see them."""
    now = now or timezone.now()
    return [
        SummonsRow(
            summons=s,
            late=s.reported_late or (s.reported_at is None and s.report_due_at < now),
            steps=summons_steps(user, s),
        )
        for s in whistle.summonses.all()
    ]
