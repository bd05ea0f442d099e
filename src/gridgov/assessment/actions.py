"""Every write of assessment: the centre's handling score and the daily indicator rebuild.

The rebuild reads each source table (events, timeline, handling scores,
whistle summonses) with one GROUP BY per day, by the owning node's code and
the department, every count a conditional aggregate of the same scan. A
node's groups are then added to every ancestor by code prefix (a node's code
begins every code below it). docs/indicators.md says what each count is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Aggregate, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability, Role, roles_with
from gridgov.assessment.indicators import INDICATOR_BY_CODE
from gridgov.assessment.models import (
    APPRAISAL,
    DEPARTMENT_COLUMNS,
    AppraisalScore,
    HandlingScore,
    IndicatorDaily,
    RebuildMark,
    SheetItem,
    UnitKind,
)
from gridgov.assessment.selectors import period_of
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, PermissionDenied, ProblemList
from gridgov.events.models import Deadline, Event, EventTransition
from gridgov.events.selectors import event_get
from gridgov.events.workflow import CLOSED_STATUSES, VOID_STATUSES, Command, Outcome, Stage
from gridgov.jurisdiction.models import CODE_LENGTH, Level, Node
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.whistle.models import Summons

if TYPE_CHECKING:
    from gridgov.accounts.models import User

SCORING_ROLES = roles_with(Capability.SCORE_HANDLING)


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


REGISTER_DECISIONS = (Command.REGISTER, Command.REJECT, Command.SELF_HANDLE)

Counts = dict[str, Aggregate]


@dataclass(frozen=True)
class Source:
    """One table read once per day: its rows touching the day, the paths from a row to its
    owning node's code and to its department, and the counts taken from those rows."""

    rows: Callable[[datetime, datetime], QuerySet[Any]]
    node_code: str
    department: str
    counts: Callable[[datetime, datetime], Counts]


def _ended_on_time(stage: Stage) -> Exists:
    """The step ended an attempt at the stage (the same instant) no later than it was due."""
    return Exists(
        Deadline.objects.filter(
            event=OuterRef("event"), stage=stage, ended_at=OuterRef("at"), outcome=Outcome.ON_TIME
        )
    )


def _in(field: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _event_rows(start: datetime, end: datetime) -> QuerySet[Any]:
    return Event.objects.filter(
        _in("reported_at", start, end)
        | _in("closed_at", start, end)
        | _in("evaluated_at", start, end)
    )


def _event_counts(start: datetime, end: datetime) -> Counts:
    reported = _in("reported_at", start, end) & ~Q(status__in=VOID_STATUSES)
    closed = _in("closed_at", start, end) & Q(status__in=CLOSED_STATUSES)
    late = Exists(Deadline.objects.filter(event=OuterRef("pk"), outcome=Outcome.OVERDUE))
    rated = _in("evaluated_at", start, end) & Q(rating__isnull=False)
    return {
        "reported": Count("pk", filter=reported),
        # The closure rate's cohort: of the events reported on the day, those closed by now.
        "reported_closed": Count("pk", filter=reported & Q(status__in=CLOSED_STATUSES)),
        "closed": Count("pk", filter=closed),
        "closed_on_time": Count("pk", filter=closed & ~Q(late)),
        "rating_count": Count("pk", filter=rated),
        "rating_sum": Sum("rating", filter=rated),
    }


def _transition_rows(start: datetime, end: datetime) -> QuerySet[Any]:
    commands = (*REGISTER_DECISIONS, Command.DISPATCH, Command.HANDLE)
    return EventTransition.objects.filter(_in("at", start, end), command__in=commands)


def _attempt_started(stage: Stage) -> QuerySet[Deadline]:
    """The attempt at the stage that the step began (both stamped with the same instant)."""
    return Deadline.objects.filter(event=OuterRef("event"), stage=stage, started_at=OuterRef("at"))


def _transition_counts(start: datetime, end: datetime) -> Counts:
    registered = Q(command__in=REGISTER_DECISIONS)
    dispatched = Q(command=Command.DISPATCH)
    handled = Q(command=Command.HANDLE)
    # Counted on the dispatch or the handling they judge, so each is a part of its cohort.
    returned = Exists(_attempt_started(Stage.HANDLE).filter(outcome=Outcome.RETURNED))
    rework = EventTransition.objects.filter(
        event=OuterRef("event"), command=Command.REWORK, at=OuterRef("ended_at")
    )
    sent_back = Exists(_attempt_started(Stage.VERIFY).filter(Exists(rework)))
    return {
        "registered": Count("pk", filter=registered),
        "registered_on_time": Count("pk", filter=registered & Q(_ended_on_time(Stage.REGISTER))),
        "dispatched": Count("pk", filter=dispatched),
        "dispatched_on_time": Count("pk", filter=dispatched & Q(_ended_on_time(Stage.DISPATCH))),
        "dispatch_returned": Count("pk", filter=dispatched & Q(returned)),
        "handled": Count("pk", filter=handled),
        "handled_on_time": Count("pk", filter=handled & Q(_ended_on_time(Stage.HANDLE))),
        "reworked": Count("pk", filter=handled & Q(sent_back)),
    }


def _score_rows(start: datetime, end: datetime) -> QuerySet[Any]:
    return HandlingScore.objects.filter(_in("at", start, end))


def _score_counts(start: datetime, end: datetime) -> Counts:
    return {"centre_score_count": Count("pk"), "centre_score_sum": Sum("score")}


def _summons_rows(start: datetime, end: datetime) -> QuerySet[Any]:
    """Whistle summonses falling due on the day: the one place whistle data enters."""
    return Summons.objects.filter(_in("report_due_at", start, end))


def _summons_counts(start: datetime, end: datetime) -> Counts:
    rated = Q(rating__isnull=False)
    return {
        "whistle_summoned": Count("pk"),
        "whistle_reported_on_time": Count("pk", filter=Q(reported_at__lte=F("report_due_at"))),
        "whistle_rating_count": Count("pk", filter=rated),
        "whistle_rating_sum": Sum("rating", filter=rated),
    }


_OWNER, _DEPARTMENT = "event__owner__code", "event__assigned_department"
SOURCES: tuple[Source, ...] = (
    Source(_event_rows, "owner__code", "assigned_department", _event_counts),
    Source(_transition_rows, _OWNER, _DEPARTMENT, _transition_counts),
    Source(_score_rows, _OWNER, _DEPARTMENT, _score_counts),
    # A summons counts for its department and for the subdistrict that blew the whistle.
    Source(_summons_rows, "whistle__node__code", "department", _summons_counts),
)

_PREFIX_LENGTHS = sorted(CODE_LENGTH.values())


def day_window(day: date) -> tuple[datetime, datetime]:
    """The local day as an aware half-open interval."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _day_counts(day: date) -> tuple[dict[str, Counter[str]], dict[int, Counter[str]]]:
    """Each source grouped by (owner code, department) in one query; the groups are then
    added to the owner and each of its ancestors, and to the department."""
    start, end = day_window(day)
    by_code: dict[str, Counter[str]] = defaultdict(Counter)
    by_department: dict[int, Counter[str]] = defaultdict(Counter)
    for source in SOURCES:
        counts = source.counts(start, end)
        groups = (
            source.rows(start, end)
            .order_by()
            .values(source.node_code, source.department)
            .annotate(**counts)
        )
        for group in groups:
            found = Counter({c: int(group[c] or 0) for c in counts if group[c]})
            code, department_id = group[source.node_code], group[source.department]
            for length in _PREFIX_LENGTHS:
                if length <= len(code):
                    by_code[code[:length]].update(found)
            mine = Counter({c: n for c, n in found.items() if c in DEPARTMENT_COLUMNS})
            if department_id is not None and mine:
                by_department[department_id].update(mine)
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


# A step committed this long after its own timestamp is still seen by the next refresh.
REFRESH_OVERLAP = timedelta(minutes=10)


def _touched_days(since: datetime) -> set[date]:
    """Every local day a count may have changed on since `since`: all the days of the
    timeline of each event with a step since then (a late cancel, merge, reopen or rework
    changes its report, close and handling days), and the due day of each summons reported
    or rated since."""
    touched = EventTransition.objects.filter(at__gte=since).values("event_id")
    moments = [
        *EventTransition.objects.filter(event_id__in=touched).values_list("at", flat=True),
        *HandlingScore.objects.filter(at__gte=since).values_list("at", flat=True),
        *Summons.objects.filter(Q(reported_at__gte=since) | Q(rated_at__gte=since)).values_list(
            "report_due_at", flat=True
        ),
    ]
    return {timezone.localdate(moment) for moment in moments}


def indicators_refresh(*, actor: User | None, now: datetime | None = None) -> list[date]:
    """The periodic rebuild: yesterday, today and every day touched since the last run (the
    first run knows no last one and does only yesterday and today). Answers the days rebuilt."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = {today - timedelta(days=1), today}
    mark = RebuildMark.objects.filter(pk=1).first()
    if mark is not None:
        days |= {d for d in _touched_days(mark.through - REFRESH_OVERLAP) if d <= today}
    rows = sum(_rebuild_day(day) for day in sorted(days))
    with transaction.atomic():
        RebuildMark.objects.update_or_create(pk=1, defaults={"through": now})
        audit_record(
            actor=actor,
            action="assessment.indicators_refresh",
            target_type="assessment.indicatordaily",
            detail={"days": [d.isoformat() for d in sorted(days)][:100], "rows": rows},
        )
    return sorted(days)


def may_set_sheet_weights(actor: User) -> bool:
    """The sheet's weights are the city's: its command centre sets them."""
    return actor.role == Role.DISTRICT_COMMANDER and scope_root(actor).level == Level.CITY


@transaction.atomic
def sheet_items_set(*, actor: User, unit_kind: str, weights: dict[str, Decimal]) -> None:
    """Replace a unit kind's sheet weights; they must add up to exactly 100."""
    if not may_set_sheet_weights(actor):
        raise PermissionDenied(_("Only the city's command centre sets the sheet's weights."))
    problems = ProblemList()
    if unit_kind not in UnitKind.values:
        problems.add("unknown_unit", _("The unit is node or department."), field="unit_kind")
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        problems.add(
            "weights_sum",
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": total},
            field="weights",
        )
    for code, weight in weights.items():
        if code != APPRAISAL and code not in INDICATOR_BY_CODE:
            problems.add("unknown_item", _("No such indicator."), field="weights", item=code)
        if weight <= 0:
            problems.add("bad_weight", _("A weight is above 0."), field="weights", item=code)
    problems.raise_if_any(_("The weights cannot be set."))
    SheetItem.objects.filter(unit_kind=unit_kind).delete()
    SheetItem.objects.bulk_create(
        SheetItem(unit_kind=unit_kind, code=c, weight=w) for c, w in weights.items()
    )
    audit_record(
        actor=actor,
        action="assessment.sheet_items_set",
        target_type="assessment.sheetitem",
        detail={"unit_kind": unit_kind, "weights": {c: str(w) for c, w in weights.items()}},
    )


@transaction.atomic
def appraisal_enter(
    *, actor: User, code: str, period: str, start: date, score: Decimal
) -> AppraisalScore:
    """A community's staff enter its democratic appraisal score for a month or quarter."""
    node = node_get(actor, code)
    window = period_of(period, start)
    if actor.role != Role.COMMUNITY_STAFF or scope_root(actor).pk != node.pk:
        raise PermissionDenied(_("A community's own staff enter its appraisal score."))
    problems = ProblemList()
    if window.kind == "day":
        problems.add("bad_period", _("An appraisal is for a month or a quarter."), field="period")
    if not Decimal(0) <= score <= Decimal(100):
        problems.add("bad_score", _("The score is 0 to 100."), field="score")
    problems.raise_if_any(_("The appraisal cannot be entered."))
    row, _created = AppraisalScore.objects.unscoped().update_or_create(
        node=node,
        period=window.kind,
        start=window.start,
        defaults={"score": score, "entered_by": actor, "entered_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action="assessment.appraisal_enter",
        target=row,
        detail={"period": window.kind, "start": window.start.isoformat(), "score": str(score)},
    )
    return row
