"""What each role's home counts: the work waiting for it, each count linked to the list it
counts, and for the command centre where the overdue cases sit and which indicators moved.

Every figure comes from the owning domain's selectors, scoped to the caller (an event queue,
a whistle list, verification tasks, the indicators' daily table), so a count never includes
what its list would not show. The home polls WORKBENCH_PATH to keep the figures current.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlencode

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.accounts.selectors import users_visible
from gridgov.assessment.indicators import INDICATORS
from gridgov.assessment.selectors import scorecard
from gridgov.audit.selectors import entries_visible
from gridgov.command.selectors import instructions_late, receipts_to_acknowledge
from gridgov.decisions.selectors import assessments_visible, mitigations_open
from gridgov.decisions.workflow import ASSESSOR_OPEN
from gridgov.events import queues
from gridgov.events.selectors import events_visible
from gridgov.events.workflow import Status
from gridgov.fieldwork.selectors import today_end as field_today_end
from gridgov.fieldwork.selectors import worker_list as field_worker_list
from gridgov.insight.selectors import notice_counts
from gridgov.inspections.models import RectificationStatus
from gridgov.inspections.selectors import inspections_to_do, rectifications_visible
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import scope_root
from gridgov.mediation.selectors import disputes_open
from gridgov.rentals.selectors import status_counts as rental_status_counts
from gridgov.rentals.workflow import Status as RentalStatus
from gridgov.tasks.selectors import backlog
from gridgov.verification.selectors import task_counts
from gridgov.whistle.selectors import (
    summons_for_department,
    summonses_escalated,
    whistles_filtered,
)

if TYPE_CHECKING:
    from gridgov.accounts.models import User


T = TypeVar("T")


@dataclass(frozen=True)
class Figure:
    """One count and the list it counts; `alarm` shows it red while above zero."""

    key: str
    label: str | Promise
    value: int
    url: str
    alarm: bool = False

    @property
    def shown(self) -> str:
        cap = queues.TAB_COUNT_CAP
        return f"{cap}+" if self.value > cap else str(self.value)


@dataclass(frozen=True)
class Breakdown:
    """A count split by unit (overdue cases by subdistrict, by department)."""

    key: str
    title: str | Promise
    rows: list[Figure]


@dataclass(frozen=True)
class Moved:
    """An indicator this month against last month."""

    label: str
    now: float | None
    before: float | None
    url: str
    is_rate: bool = True

    @property
    def change(self) -> float:
        return (self.now or 0.0) - (self.before or 0.0)


@dataclass
class Workbench:
    title: str | Promise
    figures: list[Figure] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    # Whether the desk follows the indicators (and says so when none moved).
    follows_indicators: bool = False
    links: list[tuple[str | Promise, str]] = field(default_factory=list)


def _queue_url(tab: str, **params: str | int) -> str:
    return f"{reverse('events:queue')}?{urlencode({'tab': tab, **params})}"


def _queue_figures(user: User, *keys: tuple[str, bool]) -> list[Figure]:
    """The named tabs of the user's event queue, with their counts, in the order given."""
    counts = queues.queue_counts(user)
    labels = {q.key: q.label for q in queues.queues_for(user)}
    return [
        Figure(key, labels[key], counts[key], _queue_url(key), alarm)
        for key, alarm in keys
        if key in counts
    ]


def _today_start() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _instructions_to_me(user: User) -> Figure:
    return Figure(
        "instructions_to_me",
        _("Instructions to acknowledge"),
        receipts_to_acknowledge(user),
        reverse("command:receipts_mine"),
        alarm=True,
    )


def _instructions_late(user: User) -> Figure:
    return Figure(
        "instructions_late",
        _("Instructions not acknowledged in time"),
        instructions_late(user).count(),
        reverse("command:centres"),
        alarm=True,
    )


def _grid_worker(user: User) -> Workbench:
    bench = Workbench(_("My work today"))
    pending = task_counts(user).pending
    bench.figures.append(
        Figure("verification", _("Verification tasks"), pending, reverse("verification:tasks"))
    )
    bench.figures.append(_instructions_to_me(user))
    bench.figures.append(
        Figure(
            "inspections",
            _("Inspections to do"),
            inspections_to_do(user).count(),
            reverse("inspections:home"),
        )
    )
    bench.figures += _queue_figures(
        user, ("to_verify", False), ("overdue", True), ("to_evaluate", False)
    )
    by_status = dict(
        events_visible(user)
        .filter(reporter=user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    rows = [
        Figure(f"mine_{s.value}", s.label, by_status[s.value], _queue_url("mine", status=s.value))
        for s in Status
        if by_status.get(s.value)
    ]
    bench.breakdowns.append(Breakdown("mine", _("My reports by state"), rows))
    bench.figures.append(_rentals_figure(user, RentalStatus.VERIFYING, _("Rentals to verify")))
    today, by_kind = _field_today(user)
    bench.figures[:0] = today
    bench.breakdowns.insert(0, by_kind)
    bench.figures.append(_disputes_figure(user))
    bench.links = [
        (_("My tasks"), reverse("fieldwork:tasks")),
        (_("Report an event"), reverse("events:report")),
        (_("Daily work log"), reverse("fieldwork:log")),
        (_("Campaigns"), reverse("campaigns:list")),
    ]
    return bench


def _field_today(user: User) -> tuple[list[Figure], Breakdown]:
    """Today's field tasks (due by tonight, overdue ones included) from the worker's one list,
    counted, and split by kind."""
    rows = [r for r in field_worker_list(user, until=field_today_end()) if r.due_at is not None]
    url = reverse("fieldwork:tasks")
    overdue = sum(r.overdue for r in rows)
    by_kind: dict[str, int] = {}
    for row in rows:
        by_kind[str(row.kind)] = by_kind.get(str(row.kind), 0) + 1
    figures = [
        Figure("field_today", _("Today's tasks"), len(rows), url),
        Figure("field_overdue", _("Overdue tasks"), overdue, url, alarm=True),
    ]
    split = [Figure(f"field_{i}", kind, n, url) for i, (kind, n) in enumerate(by_kind.items())]
    return figures, Breakdown("field_today", _("Today's tasks by kind"), split)


def _rentals_figure(user: User, status: str, label: Promise) -> Figure:
    """Suspected overcrowded rentals in one state of their loop, in the user's area."""
    count = rental_status_counts(user)[status]
    return Figure(f"rentals_{status}", label, count, f"{reverse('rentals:list')}?status={status}")


def _disputes_figure(user: User) -> Figure:
    return Figure(
        "disputes",
        _("Disputes being mediated"),
        disputes_open(user).count(),
        f"{reverse('mediation:list')}?status=open",
    )


def _centre(user: User) -> Workbench:
    """Community staff and the subdistrict's dispatchers: intake to dispatch."""
    bench = Workbench(_("Dispatch desk"))
    bench.figures += _queue_figures(
        user,
        ("to_register", False),
        ("to_dispatch", False),
        ("overdue", True),
        ("extensions", False),
        ("duplicates", False),
        ("to_verify", False),
    )
    awaiting = whistles_filtered(user, awaiting_report=True).count()
    bench.figures.append(
        Figure(
            "whistles",
            _("Whistles awaiting report"),
            awaiting,
            f"{reverse('whistle:list')}?awaiting=1",
            alarm=True,
        )
    )
    bench.figures += [_instructions_to_me(user), _instructions_late(user)]
    bench.figures.append(
        Figure(
            "rectifications_overdue",
            _("Overdue rectifications"),
            rectifications_visible(user).filter(status=RectificationStatus.OVERDUE).count(),
            f"{reverse('inspections:rectifications')}?status={RectificationStatus.OVERDUE}",
            alarm=True,
        )
    )
    to_answer = notice_counts(user)["to_answer"]
    bench.figures.append(
        Figure(
            "notices_to_answer",
            _("Prompt notices to answer"),
            to_answer,
            reverse("insight:notices"),
            alarm=True,
        )
    )
    bench.figures.append(_rentals_figure(user, RentalStatus.SUSPECTED, _("Suspected rentals")))
    bench.figures.append(_disputes_figure(user))
    bench.links = [
        (_("Enter a hotline call"), reverse("events:hotline")),
        (_("Linked command"), reverse("command:centres")),
        (_("Closure and response figures"), reverse("events:stats")),
        (_("Campaigns"), reverse("campaigns:list")),
        (_("Hazard ledger"), reverse("inspections:ledger")),
        (_("Panorama"), reverse("insight:panorama")),
        (_("Reports"), reverse("reports:list")),
    ]
    return bench


def _department(user: User) -> Workbench:
    bench = Workbench(_("Department desk"))
    bench.figures += _queue_figures(
        user, ("to_accept", False), ("in_hand", False), ("due_soon", False), ("overdue", True)
    )
    summonses = summons_for_department(user)
    bench.figures.append(
        Figure(
            "summonses",
            _("Summonses to report to"),
            len(summonses.to_report),
            reverse("whistle:queue"),
            alarm=bool(summonses.late),
        )
    )
    return bench


def _overdue_by_subdistrict(user: User, root: Node) -> Breakdown:
    """The overdue cases under each child of the user's node (subdistricts for a district)."""
    children = {c.code: c for c in Node.objects.filter(parent=root).order_by("code")}
    width = len(next(iter(children))) if children else 0
    counts: dict[str, int] = {}
    if width:
        counts = dict(
            queues.queue_events(user, "overdue")
            .order_by()
            .annotate(unit=Substr("node__code", 1, width))
            .values_list("unit")
            .annotate(n=Count("id"))
            .values_list("unit", "n")
        )
    rows = [
        Figure(f"overdue_{code}", node.name, counts[code], _queue_url("overdue", node=code), True)
        for code, node in children.items()
        if counts.get(code)
    ]
    return Breakdown("overdue_by_node", _("Overdue by subdistrict"), rows)


def _overdue_by_department(user: User) -> Breakdown:
    counts = (
        queues.queue_events(user, "overdue")
        .filter(assigned_department__isnull=False)
        .order_by()
        .values_list("assigned_department_id", "assigned_department__name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    rows = [
        Figure(f"overdue_dept_{pk}", name, n, _queue_url("overdue", department=pk), True)
        for pk, name, n in counts
    ]
    return Breakdown("overdue_by_department", _("Overdue by department"), rows)


def _indicators_moved(user: User, root: Node) -> list[Moved]:
    """This month so far against the whole of last month, biggest change first."""
    month = timezone.localdate().replace(day=1)
    before_start = (month - timedelta(days=1)).replace(day=1)
    now = scorecard(user, unit_kind="node", code=root.code, period="month", start=month)
    before = scorecard(user, unit_kind="node", code=root.code, period="month", start=before_start)
    url = f"{reverse('assessment:scorecard')}?{urlencode({'unit': 'node', 'code': root.code})}"
    moved = [
        Moved(str(a.indicator.label), a.value, b.value, url, a.indicator.is_rate)
        for a, b in zip(now.values, before.values, strict=True)
        if a.value is not None and b.value is not None and abs(a.value - b.value) >= MOVE_AT_LEAST
    ]
    return sorted(moved, key=lambda m: -abs(m.change))


# An indicator "moved" when its share changed by at least this much (five percentage points).
MOVE_AT_LEAST = 0.05


def _commander(user: User) -> Workbench:
    bench = Workbench(_("Command centre"))
    root = scope_root(user)
    intake = events_visible(user).filter(created_at__gte=_today_start()).count()
    today = timezone.localdate().isoformat()
    bench.figures.append(
        Figure("intake_today", _("Today's intake"), intake, _queue_url("all", since=today))
    )
    bench.figures += _queue_figures(
        user,
        ("overdue", True),
        ("escalated", True),
        ("supervised", False),
        ("to_dispatch", False),
        ("extensions", False),
    )
    escalated = summonses_escalated(user).count()
    bench.figures.append(
        Figure(
            "summonses_escalated",
            _("Late summonses escalated"),
            escalated,
            reverse("whistle:list"),
            alarm=True,
        )
    )
    bench.figures.append(_instructions_late(user))
    notices = notice_counts(user)
    bench.figures += [
        Figure("notices_to_issue", _("Prompt notices to issue"), notices["to_issue"],
               reverse("insight:notices")),
        Figure("notices_to_close", _("Prompt notice replies to close"), notices["to_close"],
               reverse("insight:notices")),
    ]  # fmt: skip
    overdue_measures = mitigations_open(user).filter(due_at__lt=timezone.now()).count()
    bench.figures.append(
        Figure(
            "mitigations_overdue",
            _("Overdue mitigations"),
            overdue_measures,
            reverse("decisions:list"),
            alarm=True,
        )
    )
    bench.breakdowns = [_overdue_by_subdistrict(user, root), _overdue_by_department(user)]
    bench.moved, bench.follows_indicators = _indicators_moved(user, root), True
    bench.links = [
        (_("Panorama"), reverse("insight:panorama")),
        (_("Closure and response figures"), reverse("events:stats")),
        (_("Rankings"), reverse("assessment:ranking")),
        (_("Linked command"), reverse("command:centres")),
        (_("Reports"), reverse("reports:list")),
        (_("Major decisions"), reverse("decisions:list")),
    ]
    return bench


def _analyst(user: User) -> Workbench:
    bench = Workbench(_("Indicators"))
    root = scope_root(user)
    bench.moved, bench.follows_indicators = _indicators_moved(user, root), True
    bench.figures.append(
        Figure(
            "indicator_count",
            _("Indicators kept"),
            len(INDICATORS),
            f"{reverse('assessment:scorecard')}?{urlencode({'unit': 'node', 'code': root.code})}",
        )
    )
    bench.links = [
        (_("Panorama"), reverse("insight:panorama")),
        (_("Scorecards"), reverse("assessment:scorecard")),
        (_("Rankings"), reverse("assessment:ranking")),
        (_("Closure and response figures"), reverse("events:stats")),
        (_("All events"), _queue_url("all")),
    ]
    return bench


def _system_admin(user: User) -> Workbench:
    bench = Workbench(_("System console"))
    waiting = backlog()
    bench.figures += [
        Figure(
            "tasks_waiting",
            _("Tasks waiting"),
            waiting.waiting,
            reverse("admin:tasks_outboxmessage_changelist"),
        ),
        Figure(
            "tasks_dead",
            _("Tasks failed for good"),
            waiting.dead,
            reverse("admin:tasks_deadtask_changelist"),
            alarm=True,
        ),
    ]
    bench.links = [
        (_("Administration"), reverse("admin:index")),
        (_("Import boundaries"), reverse("jurisdiction:import")),
        (_("Working calendar"), reverse("worktime:years")),
    ]
    return bench


def _security_admin(user: User) -> Workbench:
    bench = Workbench(_("Security console"))
    locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    accounts = users_visible(user)
    bench.figures += [
        Figure(
            "locked_out",
            _("Locked-out logins"),
            locked.count(),
            reverse("admin:axes_accessattempt_changelist"),
            alarm=True,
        ),
        Figure(
            "inactive_accounts",
            _("Inactive accounts"),
            accounts.filter(is_active=False).count(),
            f"{reverse('admin:accounts_user_changelist')}?is_active__exact=0",
        ),
    ]
    bench.links = [(_("Accounts"), reverse("admin:accounts_user_changelist"))]
    return bench


def _auditor(user: User) -> Workbench:
    bench = Workbench(_("Audit console"))
    today = entries_visible(user).filter(at__gte=_today_start()).count()
    bench.figures.append(
        Figure(
            "audit_today",
            _("Audit entries today"),
            today,
            f"{reverse('admin:audit_auditentry_changelist')}?{_admin_day(timezone.localdate())}",
        )
    )
    bench.links = [(_("Audit trail"), reverse("admin:audit_auditentry_changelist"))]
    return bench


def _admin_day(day: date) -> str:
    """The admin's date hierarchy narrowed to one day."""
    return urlencode({"at__year": day.year, "at__month": day.month, "at__day": day.day})


def _assessor(user: User) -> Workbench:
    """A third-party assessor: its assignments, nothing of the area it sits in."""
    bench = Workbench(_("Assessment desk"))
    open_ = assessments_visible(user).filter(status__in=ASSESSOR_OPEN).count()
    bench.figures.append(
        Figure(
            "assessments_open",
            _("Assessments to work on"),
            open_,
            reverse("decisions:assessments"),
        )
    )
    bench.links = [(_("Stability risk assessments"), reverse("decisions:assessments"))]
    return bench


WORKBENCH_OF_ROLE: dict[str, Callable[[User], Workbench]] = {
    Role.GRID_WORKER: _grid_worker,
    Role.COMMUNITY_STAFF: _centre,
    Role.SUBDISTRICT_DISPATCHER: _centre,
    Role.DEPARTMENT_HANDLER: _department,
    Role.DISTRICT_COMMANDER: _commander,
    Role.ANALYST: _analyst,
    Role.SYSTEM_ADMIN: _system_admin,
    Role.SECURITY_ADMIN: _security_admin,
    Role.AUDITOR: _auditor,
    Role.THIRD_PARTY_ASSESSOR: _assessor,
}


def workbench_for(user: User) -> Workbench:
    # An account without a role (a development superuser) has an empty desk, not an error.
    build = WORKBENCH_OF_ROLE.get(user.role, _empty)
    return shared_by_desk(user, "workbench", lambda: build(user))


def _empty(user: User) -> Workbench:
    return Workbench(_("Home"))


def shared_by_desk(user: User, part: str, compute: Callable[[], T]) -> T:
    """A part of the home, computed once per desk and period and shared by every account (and
    every poll) at the same desk meanwhile: eight people at a district's command centre cost
    one count every GRIDGOV_WORKBENCH_SECONDS, not eight every half-minute. A count is as
    fresh as the poll that shows it (30 s) allows."""
    seconds = settings.GRIDGOV_WORKBENCH_SECONDS
    if seconds <= 0:
        return compute()
    key = f"home:{_generation}:{part}:{_desk_of(user)}:{get_language()}"
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


_generation = 0


def desks_reset() -> None:
    """Forget every shared desk of this process (tests whose data is rolled back between them)."""
    global _generation
    _generation += 1


def _desk_of(user: User) -> str:
    """Who shares a desk: a grid worker counts their own reports, a department handler their
    department's cases, everyone else what lies under their node."""
    if user.role == Role.GRID_WORKER or user.sees_only_assignments:
        return f"{user.role}:user:{user.pk}"
    if user.role == Role.DEPARTMENT_HANDLER:
        return f"{user.role}:department:{user.department_id}"
    return f"{user.role}:node:{user.node_id}"
