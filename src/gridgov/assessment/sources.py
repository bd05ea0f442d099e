"""The scorecard source registry: each figure of a grid worker's scorecard, computed for many
workers and one period at once (one GROUP BY each).

The field-task contract (gridgov.fieldwork, below this package) gives tasks done and done on
time; the domains above (inspections, campaigns: coverage, log completeness, attendance,
campaign completion) plug in from their own packages with `register_scorecard_source` at
import time (their apps.ready), so this package never imports the ones above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.events.models import Event, EventTransition
from gridgov.events.workflow import VOID_STATUSES, Command, Status
from gridgov.fieldwork.models import FieldTask
from gridgov.fieldwork.workflow import Status as FieldStatus

Window = tuple[datetime, datetime]
Compute = Callable[[Sequence[int], Window], dict[int, float | None]]


@dataclass(frozen=True)
class ScorecardSource:
    code: str
    label: str | Promise
    unit: str | Promise
    higher_is_better: bool
    compute: Compute = field(compare=False)
    decimals: int = 0


_SOURCES: dict[str, ScorecardSource] = {}


def register_scorecard_source(source: ScorecardSource) -> None:
    _SOURCES[source.code] = source


def scorecard_sources() -> list[ScorecardSource]:
    return list(_SOURCES.values())


def window_of(first: date, end: date) -> Window:
    """The local days [first, end) as aware datetimes."""
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(end, time.min)),
    )


def _reported(workers: Sequence[int], window: Window) -> dict[int, float | None]:
    rows = (
        Event.objects.unscoped()
        .filter(reporter__in=workers, reported_at__gte=window[0], reported_at__lt=window[1])
        .exclude(status__in=VOID_STATUSES)
        .order_by()
        .values("reporter")
        .annotate(n=Count("pk"))
    )
    return {r["reporter"]: float(r["n"]) for r in rows}


def _accepted(workers: Sequence[int], window: Window) -> dict[int, float | None]:
    """Of the worker's reports in the period, the share the centre did not reject."""
    rows = (
        Event.objects.unscoped()
        .filter(reporter__in=workers, reported_at__gte=window[0], reported_at__lt=window[1])
        .exclude(status__in=[s for s in VOID_STATUSES if s != Status.REJECTED])
        .order_by()
        .values("reporter")
        .annotate(n=Count("pk"), ok=Count("pk", filter=~Q(status=Status.REJECTED)))
    )
    return {r["reporter"]: r["ok"] / r["n"] * 100 for r in rows if r["n"]}


def _steps(command: str) -> Compute:
    def compute(workers: Sequence[int], window: Window) -> dict[int, float | None]:
        rows = (
            EventTransition.objects.filter(
                actor__in=workers, command=command, at__gte=window[0], at__lt=window[1]
            )
            .order_by()
            .values("actor")
            .annotate(n=Count("pk"))
        )
        return {r["actor"]: float(r["n"]) for r in rows}

    return compute


def _satisfaction(workers: Sequence[int], window: Window) -> dict[int, float | None]:
    rows = (
        Event.objects.unscoped()
        .filter(
            reporter__in=workers,
            evaluated_at__gte=window[0],
            evaluated_at__lt=window[1],
            rating__isnull=False,
        )
        .order_by()
        .values("reporter")
        .annotate(avg=Avg("rating"))
    )
    return {r["reporter"]: float(r["avg"]) for r in rows}


def _field_tasks(on_time: bool) -> Compute:
    """Field tasks (fieldwork.FieldTask: patrols, inspections, visits, campaign work) the
    worker completed in the period; with on_time, the share done by their due time × 100."""

    def compute(workers: Sequence[int], window: Window) -> dict[int, float | None]:
        rows = (
            FieldTask.objects.unscoped()
            .filter(
                assignee__in=workers,
                status=FieldStatus.DONE,
                done_at__gte=window[0],
                done_at__lt=window[1],
            )
            .order_by()
            .values("assignee")
            .annotate(n=Count("pk"), kept=Count("pk", filter=Q(done_at__lte=F("due_at"))))
        )
        if on_time:
            return {r["assignee"]: r["kept"] / r["n"] * 100 for r in rows if r["n"]}
        return {r["assignee"]: float(r["n"]) for r in rows}

    return compute


for _source in (
    ScorecardSource("events_reported", _("events reported"), _("events"), True, _reported),
    ScorecardSource("reports_accepted", _("reports accepted"), "%", True, _accepted, 1),
    ScorecardSource("self_handled", _("events solved in the grid"), _("events"), True,
                    _steps(Command.SELF_HANDLE)),
    ScorecardSource("verified", _("handlings verified on site"), _("events"), True,
                    _steps(Command.VERIFY)),
    ScorecardSource("satisfaction", _("satisfaction with the worker's reports"), _("of 5"),
                    True, _satisfaction, 2),
    ScorecardSource("field_tasks_done", _("field tasks done"), _("tasks"), True,
                    _field_tasks(on_time=False)),
    ScorecardSource("field_tasks_on_time", _("field tasks done on time"), "%", True,
                    _field_tasks(on_time=True), 1),
):  # fmt: skip
    register_scorecard_source(_source)
