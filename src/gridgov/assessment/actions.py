"""Every write of assessment: the centre's handling score and the daily indicator rebuild.

The rebuild reads the event tables with one GROUP BY per count and day: by
the event's owning node, whose counts are then added to every ancestor by
code prefix (a node's code begins every code below it), and by the event's
department. docs/indicators.md says what each count is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Aggregate, Count, Exists, F, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.assessment.models import HandlingScore, IndicatorDaily, UnitKind
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, PermissionDenied, ProblemList
from gridgov.events.models import Deadline, Event, EventTransition
from gridgov.events.selectors import event_get
from gridgov.events.workflow import Command, Stage, Status
from gridgov.jurisdiction.models import CODE_LENGTH, Node
from gridgov.whistle.models import Summons

if TYPE_CHECKING:
    from gridgov.accounts.models import User

SCORING_ROLES = frozenset({Role.DISTRICT_COMMANDER, Role.SUBDISTRICT_DISPATCHER})
CLOSED_STATUSES = (Status.CLOSED, Status.EVALUATED)
# Events that never needed solving; they stay out of the closure rate's denominator.
VOID_STATUSES = (Status.CANCELLED, Status.REJECTED, Status.MERGED)


@transaction.atomic
def handling_score(
    *, actor: User, event_number: str, score: int, comment: str = ""
) -> HandlingScore:
    """The centre scores the handling of a closed event, once."""
    if actor.role not in SCORING_ROLES:
        raise PermissionDenied(
            _("Only a district commander or a subdistrict dispatcher scores the handling.")
        )
    event = event_get(actor, event_number)
    problems = ProblemList()
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        problems.add("bad_score", _("The score is 1 to 5."), field="score")
    problems.raise_if_any(_("The handling cannot be scored."))
    if event.status not in CLOSED_STATUSES:
        raise Conflict(_("Only a closed event can be scored."), code="event_not_closed")
    if HandlingScore.objects.filter(event=event).exists():
        raise Conflict(_("The handling of this event is already scored."), code="already_scored")
    row = HandlingScore.objects.create(
        event=event, score=score, comment=comment.strip(), by=actor, at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="assessment.handling_score",
        target=row,
        detail={"number": event.number, "score": score},
    )
    return row


@dataclass(frozen=True)
class Measure:
    """One count column: the rows of a day, how they reach a node and a department, what to add.

    A key left empty means the count is not kept for that kind of unit.
    """

    column: str
    rows: Callable[[datetime, datetime], QuerySet[Any]]
    node_code: str = ""
    department: str = ""
    total: Callable[[], Aggregate] = lambda: Count("pk")


def _transitions(*commands: str) -> Callable[[datetime, datetime], QuerySet[Any]]:
    def rows(start: datetime, end: datetime) -> QuerySet[Any]:
        return EventTransition.objects.filter(at__gte=start, at__lt=end, command__in=commands)

    return rows


def _on_time(
    stage: Stage, rows: Callable[[datetime, datetime], QuerySet[Any]]
) -> Callable[[datetime, datetime], QuerySet[Any]]:
    """The steps that ended the stage's clock (same instant) no later than it was due."""

    def on_time(start: datetime, end: datetime) -> QuerySet[Any]:
        clock = Deadline.objects.filter(
            event=OuterRef("event"), stage=stage, ended_at=OuterRef("at"), ended_at__lte=F("due_at")
        )
        return rows(start, end).filter(Exists(clock))

    return on_time


def _reported(start: datetime, end: datetime) -> QuerySet[Any]:
    return Event.objects.filter(reported_at__gte=start, reported_at__lt=end).exclude(
        status__in=VOID_STATUSES
    )


def _closed(start: datetime, end: datetime) -> QuerySet[Any]:
    return Event.objects.filter(closed_at__gte=start, closed_at__lt=end, status__in=CLOSED_STATUSES)


def _closed_on_time(start: datetime, end: datetime) -> QuerySet[Any]:
    late = Deadline.objects.filter(event=OuterRef("pk"), ended_at__gt=F("due_at"))
    return _closed(start, end).exclude(Exists(late))


def _rated(start: datetime, end: datetime) -> QuerySet[Any]:
    return Event.objects.filter(evaluated_at__gte=start, evaluated_at__lt=end, rating__isnull=False)


def _scored(start: datetime, end: datetime) -> QuerySet[Any]:
    return HandlingScore.objects.filter(at__gte=start, at__lt=end)


def _summoned(start: datetime, end: datetime) -> QuerySet[Any]:
    """Whistle summonses falling due on the day: the one place whistle data enters."""
    return Summons.objects.filter(report_due_at__gte=start, report_due_at__lt=end)


def _summons_on_time(start: datetime, end: datetime) -> QuerySet[Any]:
    return _summoned(start, end).filter(reported_at__lte=F("report_due_at"))


_registered = _transitions(Command.REGISTER, Command.REJECT, Command.SELF_HANDLE)
_dispatched = _transitions(Command.DISPATCH)
_handled = _transitions(Command.HANDLE)
_OWNER, _DEPARTMENT = "event__owner__code", "event__assigned_department"

MEASURES: tuple[Measure, ...] = (
    Measure("reported", _reported, node_code="owner__code"),
    Measure("registered", _registered, node_code=_OWNER),
    Measure("registered_on_time", _on_time(Stage.REGISTER, _registered), node_code=_OWNER),
    Measure("dispatched", _dispatched, node_code=_OWNER),
    Measure("dispatched_on_time", _on_time(Stage.DISPATCH, _dispatched), node_code=_OWNER),
    Measure("dispatch_returned", _transitions(Command.RETURN), node_code=_OWNER),
    Measure("handled", _handled, node_code=_OWNER, department=_DEPARTMENT),
    Measure(
        "handled_on_time",
        _on_time(Stage.HANDLE, _handled),
        node_code=_OWNER,
        department=_DEPARTMENT,
    ),
    Measure("closed", _closed, node_code="owner__code", department="assigned_department"),
    Measure(
        "closed_on_time",
        _closed_on_time,
        node_code="owner__code",
        department="assigned_department",
    ),
    Measure(
        "reworked",
        _transitions(Command.REWORK, Command.REOPEN),
        node_code=_OWNER,
        department=_DEPARTMENT,
    ),
    Measure("rating_count", _rated, node_code="owner__code", department="assigned_department"),
    Measure(
        "rating_sum",
        _rated,
        node_code="owner__code",
        department="assigned_department",
        total=lambda: Sum("rating"),
    ),
    Measure("centre_score_count", _scored, node_code=_OWNER, department=_DEPARTMENT),
    Measure(
        "centre_score_sum",
        _scored,
        node_code=_OWNER,
        department=_DEPARTMENT,
        total=lambda: Sum("score"),
    ),
    Measure(
        "whistle_summoned", _summoned, node_code="whistle__node__code", department="department"
    ),
    Measure(
        "whistle_reported_on_time",
        _summons_on_time,
        node_code="whistle__node__code",
        department="department",
    ),
)

_PREFIX_LENGTHS = sorted(CODE_LENGTH.values())


def day_window(day: date) -> tuple[datetime, datetime]:
    """The local day as an aware half-open interval."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _grouped(rows: QuerySet[Any], key: str, total: Aggregate) -> list[tuple[Any, int]]:
    pairs = rows.order_by().values(key).annotate(n=total).values_list(key, "n")
    return [(k, int(n)) for k, n in pairs if k is not None and n]


def _day_counts(day: date) -> tuple[dict[str, Counter[str]], dict[int, Counter[str]]]:
    start, end = day_window(day)
    by_code: dict[str, Counter[str]] = defaultdict(Counter)
    by_department: dict[int, Counter[str]] = defaultdict(Counter)
    for measure in MEASURES:
        rows = measure.rows(start, end)
        if measure.node_code:
            for code, n in _grouped(rows, measure.node_code, measure.total()):
                for length in _PREFIX_LENGTHS:
                    if length <= len(code):
                        by_code[code[:length]][measure.column] += n
        if measure.department:
            for department_id, n in _grouped(rows, measure.department, measure.total()):
                by_department[department_id][measure.column] += n
    return by_code, by_department


def _rebuild_day(day: date) -> int:
    by_code, by_department = _day_counts(day)
    node_ids = dict(Node.objects.filter(code__in=by_code).values_list("code", "pk"))
    rows = [
        IndicatorDaily(day=day, unit_kind=UnitKind.NODE, node_id=node_ids[code], **counts)
        for code, counts in by_code.items()
        if code in node_ids
    ] + [
        IndicatorDaily(
            day=day, unit_kind=UnitKind.DEPARTMENT, department_id=department_id, **counts
        )
        for department_id, counts in by_department.items()
    ]
    with transaction.atomic():
        IndicatorDaily.objects.filter(day=day).delete()
        IndicatorDaily.objects.bulk_create(rows)
    return len(rows)


def indicators_rebuild(*, actor: User | None, day_from: date, day_to: date) -> int:
    """Recompute the daily rows of every day from day_from to day_to inclusive.

    Each day is replaced whole in its own transaction, so a long rebuild holds no lock for
    long, a failure keeps the days already done, and running it again changes nothing.
    """
    if day_from > day_to:
        problems = ProblemList()
        problems.add(
            "dates_reversed",
            _("The first day comes after the last."),
            field="from",
            item=day_from.isoformat(),
        )
        problems.raise_if_any(_("The indicators cannot be rebuilt."))
    written = 0
    day = day_from
    while day <= day_to:
        written += _rebuild_day(day)
        day += timedelta(days=1)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="assessment.indicators_rebuild",
            target_type="assessment.indicatordaily",
            detail={"from": day_from.isoformat(), "to": day_to.isoformat(), "rows": written},
        )
    return written
