"""Every read of insight, scoped to the caller: the panorama, indices' history, notices.

The panorama reads the stored monthly figures (NodeMonth) only: one query for the node's
children in the month, one for the node's own trend.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput, NotFound, Problem
from gridgov.core.scope import Scope, ScopedQuerySet
from gridgov.insight.measures import FIGURE_PREFIX, INDEX_PREFIX, registered_measures
from gridgov.insight.models import (
    FigureKind,
    GridPeople,
    Index,
    IndexDay,
    IndexValue,
    MonthlyFigure,
    NodeMonth,
    NoticeStatus,
    PromptNotice,
)
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import node_children, node_get, scope_of, scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def month_start(day: date) -> date:
    return day.replace(day=1)


@dataclass(frozen=True)
class MeasureInfo:
    code: str
    label: str | Promise
    unit: str | Promise
    higher_is_better: bool
    decimals: int


def measure_infos() -> list[MeasureInfo]:
    """The registered measures, then each department figure, then each index."""
    infos = [
        MeasureInfo(m.code, m.label, m.unit, m.higher_is_better, m.decimals)
        for m in registered_measures()
    ]
    infos += [
        MeasureInfo(FIGURE_PREFIX + k.code, k.name, k.unit, True, 2)
        for k in FigureKind.objects.all()
    ]
    infos += [
        MeasureInfo(INDEX_PREFIX + i.code, i.name, _("points"), True, 1)
        for i in Index.objects.filter(active=True)
    ]
    return infos


def known_measures() -> dict[str, str | Promise]:
    return {m.code: m.label for m in measure_infos()}


def measure_info(code: str, infos: list[MeasureInfo] | None = None) -> MeasureInfo:
    """One measure, from the list the caller already read (a page lists them too)."""
    for info in infos if infos is not None else measure_infos():
        if info.code == code:
            return info
    raise InvalidInput(
        _("No such measure."), problems=[Problem("unknown_measure", _("No such measure."),
                                                 field="measure", item=code)]
    )  # fmt: skip


CLASSES = 5


def class_breaks(values: list[float]) -> list[float]:
    """Up to CLASSES − 1 quantile breaks over the distinct values; a value's class is the
    number of breaks at or below it."""
    distinct = sorted(set(values))
    if len(distinct) <= 1:
        return []
    count = min(CLASSES, len(distinct))
    return [distinct[len(distinct) * k // count] for k in range(1, count)]


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: int
    value: float | None
    klass: int | None


@dataclass(frozen=True)
class Panorama:
    node: Node
    measure: MeasureInfo
    month: date
    own: float | None
    areas: list[Area]
    breaks: list[float]
    trend: list[tuple[date, float | None]]


TREND_MONTHS = 24


def panorama(
    user: User,
    node: Node,
    measure_code: str,
    month: date,
    infos: list[MeasureInfo] | None = None,
) -> Panorama:
    """A node the caller read through node_get: its children's values for the month, its
    own trend. Three small indexed queries; the page passes the measures it listed."""
    info = measure_info(measure_code, infos)
    month = month_start(month)
    children = list(node_children(user, node).only("code", "name", "level"))
    figures = NodeMonth.objects.visible_to(scope_of(user)).filter(measure=measure_code)
    stored = figures.filter(month=month, node__in=[c.pk for c in children])
    values = {n: v for n, v in stored.values_list("node_id", "value") if v is not None}
    breaks = class_breaks([v for v in values.values() if v is not None])
    areas = [
        Area(
            c.code,
            c.name,
            c.level,
            values.get(c.pk),
            bisect_right(breaks, values[c.pk]) if c.pk in values else None,
        )
        for c in children
    ]
    trend = list(
        figures.filter(node=node, month__lte=month)
        .order_by("-month")
        .values_list("month", "value")[:TREND_MONTHS]
    )[::-1]
    own = next((v for m, v in trend if m == month), None)
    return Panorama(node, info, month, own, areas, breaks, trend)


def index_values(user: User, index_code: str, code: str) -> QuerySet[IndexValue]:
    """An area's history of one index, oldest first."""
    node = node_get(user, code)
    return (
        IndexValue.objects.visible_to(scope_of(user))
        .filter(index__code=index_code, node=node)
        .order_by("month")
    )


# The panorama's daily line of an index: the last two months or so.
DAILY_SPAN_DAYS = 60


def index_days(user: User, index_code: str, node: Node, last: date) -> list[tuple[date, float]]:
    """An area's daily index for the span ending on `last`, oldest first."""
    rows = (
        IndexDay.objects.visible_to(scope_of(user))
        .filter(
            index__code=index_code,
            node=node,
            day__gt=last - timedelta(days=DAILY_SPAN_DAYS),
            day__lte=last,
        )
        .order_by("day")
    )
    return list(rows.values_list("day", "value"))


def people_points(user: User, code: str) -> list[tuple[float, float, int]]:
    """(lat, lon, people) of each grid under a node the caller sees, as the hourly job left
    them: the population heat layer."""
    node = node_get(user, code)
    rows = GridPeople.objects.visible_to(scope_of(user)).visible_to(Scope.under(node))
    return list(rows.values_list("lat", "lon", "people"))


def notices_visible(user: User) -> ScopedQuerySet[PromptNotice]:
    return PromptNotice.objects.visible_to(scope_of(user))


def notice_get(user: User, notice_id: int) -> PromptNotice:
    notice = notices_visible(user).select_related("node", "index").filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("No such prompt notice."), code="notice_not_found")
    return notice


def figure_kinds_of(user: User) -> QuerySet[FigureKind]:
    """The figures the caller's department enters (none for an account on no department)."""
    if user.department_id is None:
        return FigureKind.objects.none()
    return FigureKind.objects.filter(departments=user.department_id).order_by("code")


def figures_entered(user: User, month: date) -> dict[tuple[int, int], float]:
    """What the caller's department entered for the month, by (figure kind, area)."""
    if user.department_id is None:
        return {}
    rows = MonthlyFigure.objects.visible_to(scope_of(user)).filter(
        month=month_start(month), kind__departments=user.department_id
    )
    return {(k, n): v for k, n, v in rows.values_list("kind_id", "node_id", "value")}


def notice_counts(user: User) -> dict[str, int]:
    """The notices waiting for the caller: the centre's drafts to issue and replies to close
    below it; the area's issued notices to answer."""
    root = scope_root(user)
    mine = notices_visible(user)
    below = mine.filter(node__level__gt=root.level)
    return {
        "to_issue": below.filter(status=NoticeStatus.DRAFT).count(),
        "to_close": below.filter(status=NoticeStatus.REPLIED).count(),
        "to_answer": mine.filter(node=root, status=NoticeStatus.ISSUED).count(),
    }


def indices_active() -> QuerySet[Index]:
    """Definitions are the same for every jurisdiction; values are scoped."""
    return Index.objects.filter(active=True).prefetch_related("components")


@dataclass(frozen=True)
class IndexMove:
    index: Index
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def index_moves(node: Node, month: date) -> list[IndexMove]:
    """Each active index of a node read through the caller's scope: the month's value beside
    the month before's (a report's "indices that moved")."""
    month = month_start(month)
    before = month_start(month - timedelta(days=1))
    values = {
        (index_id, m): v
        for index_id, m, v in IndexValue.objects.visible_to(Scope.under(node))
        .filter(node=node, month__in=[month, before])
        .values_list("index_id", "month", "value")
    }
    return [
        IndexMove(index, values.get((index.pk, month)), values.get((index.pk, before)))
        for index in Index.objects.filter(active=True).order_by("code")
    ]


OPEN_NOTICE_STATUSES = (NoticeStatus.DRAFT, NoticeStatus.ISSUED, NoticeStatus.REPLIED)


def notices_open_in(scope: Scope) -> QuerySet[PromptNotice]:
    """The prompt notices not yet closed or dismissed inside a scope, soonest reply first."""
    return (
        PromptNotice.objects.visible_to(scope)
        .filter(status__in=OPEN_NOTICE_STATUSES)
        .select_related("index", "node")
        .order_by("reply_due_at", "node__code")
    )
