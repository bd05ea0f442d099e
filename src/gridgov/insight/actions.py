"""Every write of insight: the monthly figures, indices and their definitions, departments'
monthly figures, and the prompt notice's steps.

The monthly work replaces each month's rows whole in one transaction per step, so running it
again changes nothing and a failure keeps the months already done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.accounts.roles import Role
from gridgov.assessment.selectors import period_of
from gridgov.audit.actions import audit_record
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    ProblemList,
)
from gridgov.insight import notices
from gridgov.insight.indices import (
    ComponentSpec,
    Rule,
    check_components,
    combine,
    score,
    sharp_move,
)
from gridgov.insight.measures import (
    FIGURE_PREFIX,
    INDEX_PREFIX,
    Compute,
    Month,
    registered_measures,
)
from gridgov.insight.models import (
    FigureKind,
    GridPeople,
    Index,
    IndexComponent,
    IndexDay,
    IndexValue,
    MonthlyFigure,
    NodeMonth,
    NoticeStatus,
    PromptNotice,
    PromptNoticeStep,
)
from gridgov.insight.selectors import known_measures, month_start, notices_visible
from gridgov.insight.workflow import (
    AREA_ROLES,
    CENTRE_COMMANDS,
    CENTRE_ROLES,
    STATES,
    TRANSITIONS,
    NoticeCommand,
)
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import node_get, scope_root
from gridgov.registry.models import Person
from gridgov.worktime.calendar import add_working_minutes

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def _replace(month: date, measures: Iterable[str], rows: list[NodeMonth]) -> None:
    with transaction.atomic():
        NodeMonth.objects.unscoped().filter(month=month, measure__in=list(measures)).delete()
        NodeMonth.objects.bulk_create(rows, batch_size=5000)


def figures_refresh(*, month: date) -> int:
    """Every registered measure and every department figure, for every node, for the month."""
    data = Month(month)
    rows: list[NodeMonth] = []
    codes: list[str] = []
    for measure in registered_measures():
        if measure.compute is None:
            continue
        codes.append(measure.code)
        values = measure.compute(data)
        rows += [
            NodeMonth(node_id=node_id, month=month, measure=measure.code, value=value)
            for node_id, value in values.items()
            if value is not None
        ]
    codes += [FIGURE_PREFIX + code for code in FigureKind.objects.values_list("code", flat=True)]
    entries = MonthlyFigure.objects.unscoped().filter(month=month).select_related("kind")
    rows += [
        NodeMonth(
            node_id=e.node_id, month=month, measure=FIGURE_PREFIX + e.kind.code, value=e.value
        )
        for e in entries
    ]
    _replace(month, codes, rows)
    return len(rows)


def _spec(component: IndexComponent) -> ComponentSpec:
    return ComponentSpec(
        component.measure,
        component.direction,
        float(component.weight),
        component.normalisation,
        component.low,
        component.high,
    )


Parts = dict[str, dict[str, float | None]]


def _index_areas(
    index: Index, specs: list[ComponentSpec], raw: dict[int, dict[str, float]]
) -> list[tuple[int, float, Parts]]:
    """(area, index value, each component's raw value, score and weight) for every area of
    the index's levels with a value; peers are the areas of the same level."""
    nodes = list(Node.objects.unscoped().filter(level__in=index.levels).values_list("pk", "level"))
    level_of = dict(nodes)
    peers: dict[tuple[int, str], list[float]] = defaultdict(list)
    for node_id, values in raw.items():
        if node_id in level_of:
            for measure, known in values.items():
                peers[(level_of[node_id], measure)].append(known)
    out = []
    for node_id, level in nodes:
        parts: Parts = {}
        for s in specs:
            value = raw.get(node_id, {}).get(s.measure)
            parts[s.measure] = {
                "raw": value,
                "score": score(value, s, peers[(level, s.measure)]),
                "weight": s.weight,
            }
        total = combine([(p["weight"] or 0.0, p["score"]) for p in parts.values()])
        if total is not None:
            out.append((node_id, total, parts))
    return out


def _stored(month: date, measures: list[str]) -> dict[int, dict[str, float]]:
    raw: dict[int, dict[str, float]] = defaultdict(dict)
    stored = NodeMonth.objects.unscoped().filter(month=month, measure__in=measures)
    for node_id, measure, value in stored.values_list("node_id", "measure", "value"):
        if value is not None:
            raw[node_id][measure] = value
    return raw


def index_compute(index: Index, month: date) -> int:
    """The index for every area of its levels for the month, from the stored figures."""
    specs = [_spec(c) for c in index.components.all()]
    areas = _index_areas(index, specs, _stored(month, [s.measure for s in specs]))
    values_rows = [
        IndexValue(index=index, node_id=node_id, month=month, value=total, components=parts)
        for node_id, total, parts in areas
    ]
    figure_rows = [
        NodeMonth(node_id=node_id, month=month, measure=INDEX_PREFIX + index.code, value=total)
        for node_id, total, _parts in areas
    ]
    with transaction.atomic():
        IndexValue.objects.unscoped().filter(index=index, month=month).delete()
        IndexValue.objects.bulk_create(values_rows, batch_size=5000)
        _replace(month, [INDEX_PREFIX + index.code], figure_rows)
    return len(values_rows)


def _daily_raw(specs: list[ComponentSpec], day: date, window: Month) -> dict[int, dict[str, float]]:
    """Components with daily tables over the thirty days ending on the day; the others at
    their stored value for the day's month, or the month before where the month has none
    yet (departments enter last month's figures in this one)."""
    daily: dict[str, Compute] = {
        m.code: m.compute for m in registered_measures() if m.daily and m.compute is not None
    }
    raw: dict[int, dict[str, float]] = defaultdict(dict)
    for s in specs:
        if s.measure in daily:
            for node_id, value in daily[s.measure](window).items():
                if value is not None:
                    raw[node_id][s.measure] = value
    monthly = [s.measure for s in specs if s.measure not in daily]
    month = month_start(day)
    for earlier in (_stored(_months_before(month, 1), monthly), _stored(month, monthly)):
        for node_id, values in earlier.items():
            raw[node_id].update(values)
    return raw


def index_compute_day(index: Index, day: date, window: Month | None = None) -> int:
    """The index for every area of its levels on one day, replaced whole (IndexDay). The
    day's inputs (`window`) are read once and shared by the indices of that day."""
    specs = [_spec(c) for c in index.components.all()]
    areas = _index_areas(index, specs, _daily_raw(specs, day, window or Month.ending(day)))
    with transaction.atomic():
        IndexDay.objects.unscoped().filter(index=index, day=day).delete()
        IndexDay.objects.bulk_create(
            (IndexDay(index=index, node_id=n, day=day, value=total) for n, total, _p in areas),
            batch_size=5000,
        )
    return len(areas)


def days_compute(*, first: date, last: date) -> int:
    """Every active index for each day of [first, last] (the hourly job does today and
    yesterday; the demo and a late correction run a longer span)."""
    done = 0
    day = first
    indices = list(Index.objects.filter(active=True).prefetch_related("components"))
    while day <= last:
        window = Month.ending(day)
        done += sum(index_compute_day(i, day, window) for i in indices)
        day += timedelta(days=1)
    return done


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _rule(index: Index) -> Rule:
    return Rule(index.threshold_sd, index.threshold_pct, index.threshold_floor, index.min_history)


def _explain(
    history: Sequence[IndexValue], current: IndexValue, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """Each component's score against its own mean over the history, and what that move
    contributed to the index's (weight × change ÷ 100), the largest first."""
    rows = []
    for measure, part in current.components.items():
        before = [h.components.get(measure, {}).get("score") for h in history]
        known = [b for b in before if b is not None]
        now = part.get("score")
        if now is None or not known:
            continue
        baseline = sum(known) / len(known)
        change = now - baseline
        rows.append(
            {
                "measure": measure,
                "label": labels.get(measure, measure),
                "raw": part.get("raw"),
                "score": round(now, 2),
                "baseline": round(baseline, 2),
                "change": round(change, 2),
                "contribution": round(change * float(part.get("weight") or 0) / 100, 2),
            }
        )
    return sorted(rows, key=lambda r: -abs(r["contribution"]))


HISTORY_MONTHS = 12


def notices_draft(*, month: date) -> list[PromptNotice]:
    """A draft notice for each area whose index, or one of its components' scores, moved
    sharply in the month against the area's own last twelve months."""
    with translation.override(settings.LANGUAGE_CODE):
        labels = {code: str(label) for code, label in known_measures().items()}
        return [n for i in Index.objects.filter(active=True) for n in _draft(i, month, labels)]


def _draft(index: Index, month: date, labels: dict[str, str]) -> list[PromptNotice]:
    """Areas with leaders only: a grid has a worker, not a leader to answer a notice."""
    drafted: list[PromptNotice] = []
    rule = _rule(index)
    rows = IndexValue.objects.unscoped().filter(
        index=index,
        month__gte=_months_before(month, HISTORY_MONTHS),
        month__lte=month,
        node__level__lt=Level.GRID,
    )
    by_node: dict[int, list[IndexValue]] = defaultdict(list)
    for row in rows.order_by("month"):
        by_node[row.node_id].append(row)
    for node_id, series in by_node.items():
        current = series[-1]
        history = series[:-1]
        if current.month != month or current.value is None:
            continue
        reason = _sharp(index, rule, history, current, labels)
        if reason is None:
            continue
        move, text = reason
        notice, created = PromptNotice.objects.unscoped().get_or_create(
            index=index,
            node_id=node_id,
            month=month,
            defaults={
                "value": current.value,
                "baseline": move.baseline,
                "reason": text,
                "explanation": _explain(history, current, labels),
                "drafted_at": timezone.now(),
            },
        )
        if created:
            _log(notice, "draft", "", NoticeStatus.DRAFT, None, notice.drafted_at)
            notices.drafted(notice.pk)
            drafted.append(notice)
    return drafted


def _sharp(
    index: Index,
    rule: Rule,
    history: list[IndexValue],
    current: IndexValue,
    labels: dict[str, str],
) -> tuple[Any, str] | None:
    values = [h.value for h in history if h.value is not None]
    move = sharp_move(values, current.value or 0.0, rule)
    if move is not None:
        return move, _reason(move, index.name)
    for measure, part in current.components.items():
        now = part.get("score")
        if now is None:
            continue
        scores = [h.components.get(measure, {}).get("score") for h in history]
        # A component alone counts only against its own spread: a month-on-month swing of
        # one small count is noise more often than news.
        move = sharp_move([s for s in scores if s is not None], now, rule, month_on_month=False)
        if move is not None:
            return move, _reason(move, labels.get(measure, measure))
    return None


def _reason(move: Any, what: str) -> str:
    if move.kind == "sd":
        text = _("%(what)s moved %(change)+.1f points from its mean of %(baseline).1f")
    else:
        text = _("%(what)s moved %(change)+.1f points from last month's %(baseline).1f")
    return text % {"what": what, "change": move.change, "baseline": move.baseline}


def insight_month(*, actor: User | None, month: date, draft: bool = True) -> dict[str, int]:
    """The month's figures, then its indices, then (for a finished month) its draft notices."""
    month = month_start(month)
    figures = figures_refresh(month=month)
    values = sum(index_compute(i, month) for i in Index.objects.filter(active=True))
    drafted = notices_draft(month=month) if draft else []
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="insight.month",
            target_type="insight.nodemonth",
            detail={"month": month.isoformat(), "figures": figures, "indices": values},
        )
    return {"figures": figures, "indices": values, "notices": len(drafted)}


def insight_refresh(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: this month so far (no notices on a month half gone), last month in
    full with its notices, the daily indices of yesterday and today, the people per grid for
    the population heat layer, and the replies gone overdue."""
    now = now or timezone.now()
    this_month = month_start(timezone.localdate(now))
    insight_month(actor=None, month=this_month, draft=False)
    done = insight_month(actor=None, month=_months_before(this_month, 1))
    today = timezone.localdate(now)
    done["days"] = days_compute(first=today - timedelta(days=1), last=today)
    done["grids_with_people"] = people_refresh()
    done["overdue"] = len(notices_sweep(now=now))
    return done


def people_refresh() -> int:
    """The registry's current residents counted per grid, each at its grid's centre, replaced
    whole: the panorama's population heat reads these rows only."""
    counts = dict(
        Person.objects.unscoped()
        .filter(moved_out__isnull=True, grid__isnull=False)
        .order_by()
        .values("grid_id")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "n")
    )
    grids = Node.objects.unscoped().filter(pk__in=list(counts)).only("pk", "boundary")
    rows = []
    for grid in grids:
        centre = grid.geometry.representative_point()
        rows.append(GridPeople(grid=grid, people=counts[grid.pk], lat=centre.y, lon=centre.x))
    with transaction.atomic():
        GridPeople.objects.unscoped().all().delete()
        GridPeople.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# -- index definitions ---------------------------------------------------------------------


def may_define_indices(actor: User) -> bool:
    return actor.role == Role.DISTRICT_COMMANDER and scope_root(actor).level == Level.CITY


@transaction.atomic
def index_define(
    *,
    actor: User | None,
    code: str,
    name: str,
    levels: list[int],
    components: Sequence[ComponentSpec],
    description: str = "",
    **rule: Any,
) -> Index:
    """Create or replace an index and its components; nothing is written if any is wrong.
    Indices are the city's: its commander defines them (the system when `actor` is None)."""
    if actor is not None and not may_define_indices(actor):
        raise PermissionDenied(_("Only the city's command centre defines the indices."))
    check_components(components, set(known_measures()))
    index, _created = Index.objects.update_or_create(
        code=code, defaults={"name": name, "levels": levels, "description": description, **rule}
    )
    index.components.all().delete()
    IndexComponent.objects.bulk_create(
        IndexComponent(
            index=index,
            measure=c.measure,
            direction=c.direction,
            weight=c.weight,
            normalisation=c.normalisation,
            low=c.low,
            high=c.high,
        )
        for c in components
    )
    audit_record(
        actor=actor,
        action="insight.index_define",
        target=index,
        detail={"code": code, "components": [c.measure for c in components]},
    )
    return index


# -- departments' monthly figures ----------------------------------------------------------


@transaction.atomic
def figure_enter(
    *,
    actor: User,
    kind_code: str,
    node_code: str,
    month: date,
    value: float,
    confirm: bool = False,
) -> MonthlyFigure:
    """A department enters (or corrects) its figure for an area and month. A value outside
    the figure's plausible range is refused until the person confirms it."""
    node = node_get(actor, node_code)
    kind = FigureKind.objects.filter(code=kind_code).first()
    if (
        kind is None
        or actor.department_id is None
        or not kind.departments.filter(pk=actor.department_id).exists()
    ):
        raise PermissionDenied(_("Your department does not enter this figure."))
    month = month_start(month)
    outside = not kind.plausible_min <= value <= kind.plausible_max
    if outside and not confirm:
        raise InvalidInput(
            _("%(value)s is outside the plausible range %(low)s–%(high)s: confirm it.")
            % {"value": value, "low": kind.plausible_min, "high": kind.plausible_max},
            problems=[
                Problem(
                    "needs_confirmation",
                    _("Outside the plausible range; confirm to keep it."),
                    field="value",
                    item=node.code,
                )
            ],
        )
    row, _created = MonthlyFigure.objects.unscoped().update_or_create(
        kind=kind,
        node=node,
        month=month,
        defaults={
            "value": value,
            "confirmed_out_of_range": outside,
            "department_id": actor.department_id,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action="insight.figure_enter",
        target=row,
        detail={"kind": kind.code, "node": node.code, "month": month.isoformat(), "value": value},
    )
    return row


# -- prompt notices ------------------------------------------------------------------------


def _log(
    notice: PromptNotice,
    command: str,
    before: str,
    after: str,
    actor: User | None,
    at: datetime,
    note: str = "",
) -> None:
    PromptNoticeStep.objects.create(
        notice=notice,
        command=command,
        from_status=before,
        to_status=after,
        actor=actor,
        at=at,
        note=note,
    )


def may_step(actor: User, notice: PromptNotice, command: str) -> bool:
    root = scope_root(actor)
    if command in CENTRE_COMMANDS:
        # The centre acts on the areas below it, never on its own.
        return actor.role in CENTRE_ROLES and len(notice.node.code) > len(root.code)
    return actor.role in AREA_ROLES and root.pk == notice.node_id


@transaction.atomic
def notice_step(
    *, actor: User, notice_id: int, command: str, note: str = "", measures: str = ""
) -> PromptNotice:
    """Apply one command of the notice's workflow table; any other pair is a conflict."""
    notice = (
        notices_visible(actor)
        .select_for_update(of=("self",))
        .select_related("node", "index")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise NotFound(_("No such prompt notice."), code="notice_not_found")
    target = TRANSITIONS.get((notice.status, command))
    if target is None:
        raise Conflict(
            _("A notice that is %(status)s cannot be given this command.")
            % {"status": notice.get_status_display()},
            code="bad_transition",
        )
    if not may_step(actor, notice, command):
        raise PermissionDenied(_("This step is not yours to take."))
    problems = ProblemList()
    if command == NoticeCommand.REPLY and not measures.strip():
        problems.add("measures_missing", _("Say what measures are taken."), field="measures")
    if command in (NoticeCommand.RETURN, NoticeCommand.DISMISS) and not note.strip():
        problems.add("note_missing", _("Say why."), field="note")
    problems.raise_if_any(_("The step cannot be taken."))
    now = timezone.now()
    before = notice.status
    notice.status = target
    setattr(notice, STATES[target].stamp, now)
    if command == NoticeCommand.ISSUE or command == NoticeCommand.RETURN:
        notice.reply_due_at = add_working_minutes(now, notice.index.reply_hours * 60)
        notice.overdue_at = None
    if command == NoticeCommand.REPLY:
        notice.measures_taken = measures.strip()
    notice.save()
    _log(notice, command, before, target, actor, now, note.strip())
    audit_record(
        actor=actor,
        action=f"insight.notice_{command}",
        target=notice,
        detail={"from": before, "to": target},
    )
    notices.stepped(notice.pk, command)
    return notice


def notices_sweep(*, now: datetime | None = None) -> list[int]:
    """Issued notices whose reply is past due: stamped once, and the centre told."""
    now = now or timezone.now()
    late = list(
        PromptNotice.objects.unscoped()
        .filter(status=NoticeStatus.ISSUED, reply_due_at__lt=now, overdue_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for pk in late:
        with transaction.atomic():
            stamped = (
                PromptNotice.objects.unscoped()
                .filter(pk=pk, overdue_at__isnull=True)
                .update(overdue_at=now)
            )
            if stamped:
                notices.overdue(pk)
    return late


def months_compute(*, actor: User | None, first: date, last: date) -> int:
    """Every month from first to last, in order (a history or a rebuild), with notices."""
    month, last = month_start(first), month_start(last)
    count = 0
    while month <= last:
        insight_month(actor=actor, month=month)
        month = period_of("month", month).end
        count += 1
    return count
