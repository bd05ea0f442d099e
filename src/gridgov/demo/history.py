"""A year of events for the demo city, so dashboards, queues and benchmarks meet real volume.

Nantong handled 690,000 events in a year and closed 98.71 % of them; the
demo city gets as many at city scale, proportionally fewer below. Every
event carries the full timeline the event loop would have written: one
transition per step, the `<state>_at` stamps, one Deadline row per attempt
at a stage with its due time in office minutes, its end and outcome (a
return, a rework, a suspension each show as the loop writes them), a few overdue and
escalated, ratings. Each event's life is drawn as if it ran to the end and
is then cut at `until`, so the last days leave open events in every state
exactly as a live system would.

Office time is a minute grid built once from the working calendar, so
deadlines are a bisection instead of a walk over days; timestamps are
whole minutes, on which the grid agrees with gridgov.worktime.calendar.
Rows go in per month through COPY on PostgreSQL and executemany on SQLite,
from the same generated columns.
"""

from __future__ import annotations

import bisect
import importlib.resources
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import shapely
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core.crypto import mask_phone
from gridgov.core.scope import Scope
from gridgov.demo import names
from gridgov.demo.logins import DEMO_USERNAMES
from gridgov.departments.models import Department
from gridgov.events.actions.intake import mask_name
from gridgov.events.models import Category, Channel, Deadline, Event, EventCounter, EventTransition
from gridgov.events.workflow import (
    AUTO_ESCALATE,
    OPEN_STATUSES,
    STAGE_OF_STATUS,
    STATES,
    TRANSITIONS,
    UNJUDGED_ENDS,
    Command,
    Outcome,
    Stage,
    Status,
)
from gridgov.jurisdiction.models import GridKind, Level, Node
from gridgov.worktime.calendar import Calendar, current_calendar

# Events a year at each scale: Nantong's 690,000 for the city, a district's share below.
EVENTS_PER_YEAR = {"small": 3_000, "district": 60_000, "city": 700_000}
DAY = 1440
ESCALATION_LAG = 5  # minutes between a deadline passing and the sweeper escalating it
ESCALATION_REASON = "环节办理时限已过"
POINTS_PER_GRID = 24

CHANNEL_WEIGHTS: tuple[tuple[str, float], ...] = (
    (Channel.GRID_WORKER, 0.60),
    (Channel.HOTLINE, 0.18),
    (Channel.SNAP_REPORT, 0.12),
    (Channel.SENSOR, 0.06),
    (Channel.DEPARTMENT_REFERRAL, 0.04),
)
# Alarms come from smoke, gas, water and traffic sensors only.
SENSOR_CATEGORIES = ("0401", "0403", "0501", "0705", "0304", "1001")
# Relative frequency of each subclass: litter and parking dominate, emergencies are rare.
CATEGORY_WEIGHTS = {
    "0101": 14,
    "0102": 5,
    "0103": 8,
    "0104": 10,
    "0105": 7,
    "0201": 3,
    "0202": 4,
    "0203": 1.5,
    "0204": 1.5,
    "0301": 3,
    "0302": 8,
    "0303": 6,
    "0304": 1,
    "0401": 3,
    "0402": 2,
    "0403": 3,
    "0404": 1,
    "0405": 1.5,
    "0501": 0.3,
    "0502": 0.8,
    "0503": 0.5,
    "0601": 1.5,
    "0602": 2,
    "0603": 1,
    "0701": 2.5,
    "0702": 3,
    "0703": 2,
    "0704": 0.5,
    "0705": 0.5,
    "0801": 4,
    "0802": 2,
    "0803": 1,
    "0901": 4,
    "0902": 3,
    "0903": 1.5,
    "1001": 0.2,
    "1002": 0.3,
    "1003": 0.1,
    "1004": 0.2,
}
# Events per month, January first: more in summer (heat, noise, night markets).
SEASON = (0.85, 0.75, 0.95, 1.0, 1.05, 1.1, 1.15, 1.15, 1.05, 0.95, 0.95, 0.85)
SPOTS = ("小区门口", "沿街商铺前", "路口", "楼道内", "菜场旁", "公园内", "学校附近", "背街小巷")
DISPUTE_KINDS = ("噪声", "漏水", "宠物", "停车", "公共空间", "其他")

# Shares of the loop's variations (of all events, or of those reaching the step).
REJECT = 0.008
CANCEL = 0.003
SUSPEND = 0.006
SELF_HANDLE = 0.55  # of grid workers' reports in a category the grid may solve
TO_COMMUNITY = 0.3  # of dispatches of a category with a department
RETURN = 0.03
EXTENSION = 0.02
REWORK = 0.035
EVALUATED = 0.6
STUCK = 0.0015  # stalled in an open state, among the last STALL_DAYS' events
STALL_DAYS = 14
# The history is a year back from today.
HISTORY_DAYS = 365
SCORES = ((5, 0.55), (4, 0.30), (3, 0.10), (2, 0.03), (1, 0.02))


@dataclass(frozen=True)
class GridInfo:
    id: int
    code: str
    name: str
    community: tuple[int, str]
    subdistrict: tuple[int, str]
    district: tuple[int, str]
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    code: str
    name: str
    severity: str
    limits: dict[str, int]
    natural: bool
    self_handle: bool
    department_code: str
    extra_fields: tuple[dict[str, Any], ...]


class OfficeClock:
    """Minutes since `origin` (local midnight, held in UTC) against the working calendar.

    cum[i] is the number of office minutes in [origin, origin + i min), so the
    moment `m` office minutes after `t` is the first i with cum[i] ≥ cum[t] + m,
    which is what Calendar.add_working_minutes returns for whole minutes.
    """

    def __init__(self, calendar: Calendar, origin: datetime, days: int) -> None:
        self.origin = origin
        work = np.zeros(days * DAY, dtype=np.int32)
        zone = calendar.hours.zone
        first = origin.astimezone(zone).date()
        for k in range(days):
            day = first + timedelta(days=k)
            if not calendar.is_working_day(day):
                continue
            for begin, end in calendar.hours.periods:
                lo = self.minute(datetime.combine(day, begin, tzinfo=zone))
                hi = self.minute(datetime.combine(day, end, tzinfo=zone))
                work[max(lo, 0) : max(hi, 0)] = 1
        self.cum: list[int] = np.concatenate(([0], np.cumsum(work))).tolist()
        self.periods = calendar.hours.periods
        self.working_days = [
            calendar.is_working_day(first + timedelta(days=k)) for k in range(days)
        ]

    def minute(self, moment: datetime) -> int:
        return int((moment - self.origin).total_seconds() // 60)

    def add(self, start: int, minutes: int, *, natural: bool) -> int:
        if natural or not minutes or start >= len(self.cum):
            return start + minutes  # past the grid lies only what the cut at `until` drops
        return bisect.bisect_left(self.cum, self.cum[start] + minutes)

    def between(self, start: int, end: int, *, natural: bool) -> int:
        """The category's minutes from `start` to `end`: a suspension's span."""
        if natural:
            return end - start
        last = len(self.cum) - 1
        return self.cum[min(end, last)] - self.cum[min(start, last)]

    def strings(self, minutes: Sequence[int], *, sqlite: bool) -> list[str | None]:
        """Database text for whole-minute UTC moments; negative minutes stand for NULL."""
        values = np.asarray(minutes, dtype=np.int64)
        base = np.datetime64(self.origin.astimezone(UTC).replace(tzinfo=None), "m")
        text = np.datetime_as_string(base + values.astype("timedelta64[m]"), unit="s")
        text = np.strings.replace(text, "T", " ")
        if not sqlite:
            text = np.strings.add(text, "+00:00")
        out = text.astype(object)
        out[values < 0] = None
        return list(out.tolist())


@dataclass
class Columns:
    """Column-wise rows of one table; `times` names the columns holding clock minutes."""

    names: tuple[str, ...]
    times: frozenset[str]
    data: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data = {name: [] for name in self.names}

    def add(self, **values: Any) -> None:
        for name in self.names:
            self.data[name].append(values[name])

    def __len__(self) -> int:
        return len(self.data[self.names[0]])


Step = tuple[str, int, str, str, int | None]  # command, minute, reason, payload JSON, actor


@dataclass
class Life:
    """One event's steps as drawn, before the cut at `until`."""

    steps: list[Step] = field(default_factory=list)


@dataclass
class HistoryCounts:
    events: int = 0
    transitions: int = 0
    deadlines: int = 0
    open: int = 0


@dataclass(slots=True)
class Attempt:
    """One attempt at a stage, in clock minutes; -1 stands for not yet (NULL)."""

    stage: str
    started: int
    due: int
    escalated: int
    ended: int = -1
    outcome: str = ""
    paused_at: int = -1
    paused_minutes: int = 0


def default_catalogue() -> dict[str, Any]:
    source = importlib.resources.files("gridgov.events.data") / "catalogue.json"
    return dict(json.loads(source.read_text(encoding="utf-8")))


class Replay:
    """Walks one event's steps as the loop would apply them, writing its timeline.

    Between steps it plays the overdue sweeper: a stage still running five
    minutes past its due time is escalated once, and the owner climbs a level.
    """

    def __init__(
        self, writer: HistoryWriter, event_id: int, cat: CategoryInfo, grid: GridInfo, out: Columns
    ) -> None:
        self.writer, self.event_id, self.cat, self.out = writer, event_id, cat, out
        self.owners = [(grid.id, grid.code), grid.community, grid.subdistrict, grid.district]
        self.owner = 0
        self.status: str = str(Status.REPORTED)
        self.version = 1
        self.stamps = dict.fromkeys(STAMPS, -1)
        self.department: int | None = None
        self.rework = 0
        self.extension: int | None = None
        self.rating: int | None = None
        self.attempts: list[Attempt] = []
        self.latest: dict[str, Attempt] = {}  # each stage's latest attempt
        self.running: Attempt | None = None

    def record(
        self,
        before: str,
        command: str,
        at: int,
        actor: int | None,
        reason: str,
        payload: str,
        stage: str = "",
    ) -> None:
        if before != self.status:  # staying in a state (escalate, extension) is no entry
            self.stamps[f"{self.status}_at"] = at
        self.out.add(
            event_id=self.event_id,
            from_status=before,
            to_status=self.status,
            command=command,
            actor_id=actor,
            at=at,
            note=NOTES.get(command, ""),
            reason=reason,
            payload=payload,
            stage=stage,
        )

    def apply(self, command: str, at: int, reason: str, payload: str, actor: int | None) -> None:
        self.sweep(at)
        before = self.status
        self.status = NEXT[before, command]
        self.version += 1
        data = json.loads(payload) if command in WITH_DATA else {}
        if command == Command.REGISTER:
            self.owner = 3 if self.cat.severity == "urgent" else 2
        elif command == Command.DISPATCH:
            if "node" in data:
                self.owner, self.department = 1, None
            else:
                self.department = self.writer.departments[data["department"]]
        elif command == Command.RETURN:
            self.department = None
        elif command == Command.REWORK:
            self.rework += 1
        elif command == Command.REQUEST_EXTENSION:
            self.extension = int(data["minutes"])
        elif command == Command.APPROVE_EXTENSION:
            handle = self.latest[Stage.HANDLE]
            handle.due = self.writer.clock.add(
                handle.due, self.extension or 0, natural=self.cat.natural
            )
            self.extension = None
        elif command == Command.EVALUATE:
            self.rating = int(data["score"])
        self.record(before, command, at, actor, reason, payload)
        if before != self.status:
            self.move_clocks(command, at)

    def move_clocks(self, command: str, at: int) -> None:
        """events.actions.clocks._move_clocks over the replay's attempts: suspending pauses the
        running one, resuming moves its due time by the pause, leaving a stage ends it with
        its outcome and entering one starts another."""
        running, clock, natural = self.running, self.writer.clock, self.cat.natural
        if self.status == Status.SUSPENDED:
            if running is not None:
                running.paused_at = at
            return
        if running is not None and running.paused_at >= 0:
            paused = clock.between(running.paused_at, at, natural=natural)
            running.due = clock.add(running.due, paused, natural=natural)
            running.paused_minutes += paused
            running.paused_at = -1
        stage = STAGE.get(self.status)
        if running is not None and running.stage == stage:
            return
        if running is not None:
            judged = Outcome.ON_TIME if at <= running.due else Outcome.OVERDUE
            running.ended, running.outcome = at, UNJUDGED_ENDS.get(Command(command), judged)
            self.running = None
        if stage is not None:
            self.clock_start(stage, at)

    def clock_start(self, stage: str, at: int) -> None:
        """A new attempt; a stage escalated before stays escalated, as in the loop."""
        due = self.writer.clock.add(at, self.cat.limits[stage], natural=self.cat.natural)
        previous = self.latest.get(stage)
        attempt = Attempt(stage, at, due, previous.escalated if previous is not None else -1)
        self.attempts.append(attempt)
        self.latest[stage] = self.running = attempt

    def sweep(self, before: int) -> None:
        clock = self.running
        if (
            clock is None
            or clock.paused_at >= 0
            or clock.escalated >= 0
            or clock.due + ESCALATION_LAG >= before
        ):
            return
        at = clock.due + ESCALATION_LAG
        clock.escalated = at
        stage = clock.stage
        was = self.owners[self.owner][1]
        self.owner = min(self.owner + 1, len(self.owners) - 1)
        self.version += 1
        payload = json.dumps({"from": was, "to": self.owners[self.owner][1]})
        self.record(self.status, AUTO_ESCALATE, at, None, ESCALATION_REASON, payload, str(stage))


class HistoryWriter:
    """Draws and writes the year; every random choice comes from one seeded stream, in order."""

    def __init__(
        self,
        *,
        city_code: str,
        total: int,
        seed: int,
        until: datetime,
        tick: Callable[[int], object],
    ) -> None:
        self.rng = np.random.default_rng([seed, 2])
        self.pick = random.Random(seed * 7919 + 2)  # noqa: S311 — reproducible demo data
        self.total = total
        self.tick = tick
        self.sqlite = connection.vendor == "sqlite"
        zone = timezone.get_default_timezone()
        local_until = until.astimezone(zone)
        first_day = local_until.date() - timedelta(days=HISTORY_DAYS)
        self.origin = datetime.combine(first_day, time(0), tzinfo=zone)
        self.until = int((until - self.origin).total_seconds() // 60)
        self.days = 366
        self.clock = OfficeClock(current_calendar(), self.origin, self.days + 120)
        self.grids, self.grid_weights = self._grids(city_code)
        self.categories = self._categories()
        self.departments = dict(
            Department.objects.visible_to(Scope.within(city_code)).values_list("code", "id")
        )
        self._actors()
        self.counts = HistoryCounts()
        self.stuck: dict[int, str] = {}

    # The world the events happen in ---------------------------------------

    def _grids(self, city_code: str) -> tuple[list[GridInfo], np.ndarray]:
        nodes = {
            row[0]: row
            for row in Node.objects.visible_to(Scope.within(city_code))
            .filter(level__lt=Level.GRID)
            .values_list("id", "code", "name", "parent_id")
        }
        rows = list(
            Node.objects.visible_to(Scope.within(city_code))
            .filter(level=Level.GRID)
            .order_by("code")
            .values_list("id", "code", "name", "parent_id", "population", "grid_kind", "boundary")
        )
        shapes = shapely.from_wkb([bytes(r[6]) for r in rows])
        points = self._points_in(shapes)
        grids, weights = [], []
        for row, inside in zip(rows, points, strict=True):
            community = nodes[row[3]]
            subdistrict = nodes[community[3]]
            district = nodes[subdistrict[3]]
            grids.append(
                GridInfo(
                    id=row[0],
                    code=row[1],
                    name=row[2],
                    community=(community[0], community[1]),
                    subdistrict=(subdistrict[0], subdistrict[1]),
                    district=(district[0], district[1]),
                    points=inside,
                )
            )
            population = row[4] or 0
            weights.append(
                max(population, 100) if row[5] == GridKind.COMPREHENSIVE else 40 + population / 4
            )
        weight_array = np.asarray(weights, dtype=float)
        return grids, weight_array / weight_array.sum()

    def _points_in(self, shapes: np.ndarray) -> list[tuple[tuple[float, float], ...]]:
        """A few fixed places in each grid where its events happen (drawn inside the polygon)."""
        bounds = shapely.bounds(shapes)
        k = POINTS_PER_GRID * 4
        u = self.rng.random((len(shapes), k, 2))
        xs = bounds[:, [0]] + u[:, :, 0] * (bounds[:, [2]] - bounds[:, [0]])
        ys = bounds[:, [1]] + u[:, :, 1] * (bounds[:, [3]] - bounds[:, [1]])
        inside = shapely.contains_xy(shapes[:, None], xs, ys)
        result = []
        for i, shape in enumerate(shapes):
            chosen = [
                (round(float(x), 6), round(float(y), 6))
                for x, y in zip(xs[i][inside[i]], ys[i][inside[i]], strict=True)
            ][:POINTS_PER_GRID]
            if not chosen:
                p = shapely.point_on_surface(shape)
                chosen = [(round(p.x, 6), round(p.y, 6))]
            result.append(tuple(chosen))
        return result

    def _categories(self) -> list[CategoryInfo]:
        return [
            CategoryInfo(
                id=c.pk,
                code=c.code,
                name=c.name,
                severity=c.severity,
                limits={s: c.limit_minutes(s) for s in Stage.values},
                natural=c.natural_time,
                self_handle=c.self_handle,
                department_code=c.department_code,
                extra_fields=tuple(c.extra_fields),
            )
            for c in Category.objects.filter(active=True, parent__isnull=False).order_by("code")
        ]

    def _actors(self) -> None:
        """The demo accounts act on the events of their own place; the rest stay anonymous."""
        users = {
            u.username: u
            for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related(
                "node", "department"
            )
        }

        def place(name: str) -> tuple[int | None, str]:
            user = users.get(name)
            node = user.node if user is not None else None
            return (user.pk, node.code) if user is not None and node is not None else (None, "-")

        self.grid_worker = place("gw")
        self.dispatcher = place("sd")
        handler = users.get("dh")
        self.handler = (handler.pk, handler.department_id) if handler else (None, None)

    # Drawing ----------------------------------------------------------------

    def _reported_minutes(self, channels: np.ndarray) -> np.ndarray:
        """Grid workers report on working days in office hours; residents any day, by day."""
        n = len(channels)
        days = np.arange(self.days)
        dates = [self.origin.date() + timedelta(days=int(d)) for d in days]
        season = np.array([SEASON[d.month - 1] for d in dates])
        working = np.array(self.clock.working_days[: self.days], dtype=bool)
        staff = channels == Channel.GRID_WORKER
        minutes = np.empty(n, dtype=np.int64)
        for mask, day_weights, office_share in (
            (staff, season * np.where(working, 1.0, 0.15), 0.9),
            (~staff & (channels != Channel.SENSOR), season, 0.55),
            (channels == Channel.SENSOR, season, 0.0),
        ):
            count = int(mask.sum())
            day = self.rng.choice(days, size=count, p=day_weights / day_weights.sum())
            minutes[mask] = day * DAY + self._time_of_day(count, office_share)
        return minutes

    def _time_of_day(self, count: int, office_share: float) -> np.ndarray:
        spans = [(b.hour * 60 + b.minute, e.hour * 60 + e.minute) for b, e in self.clock.periods]
        lengths = np.array([e - b for b, e in spans], dtype=float)
        which = self.rng.choice(len(spans), size=count, p=lengths / lengths.sum())
        starts = np.array([b for b, _e in spans])[which]
        office = starts + (self.rng.random(count) * lengths[which]).astype(np.int64)
        # Outside office hours people still call from early morning to late evening.
        daytime = self.rng.integers(7 * 60, 22 * 60, size=count)
        anytime = self.rng.integers(0, DAY, size=count)
        other = daytime if office_share else anytime
        return np.where(self.rng.random(count) < office_share, office, other)

    def draw(self) -> None:
        """Draw who, what, where and when for the whole year, then live each month."""
        n = self.total
        names, shares = zip(*CHANNEL_WEIGHTS, strict=True)
        channels = self.rng.choice(np.array(names), size=n, p=np.array(shares))
        codes = [c.code for c in self.categories]
        weights = np.array([CATEGORY_WEIGHTS.get(c, 1.0) for c in codes])
        sensor = np.array([c in SENSOR_CATEGORIES for c in codes])
        category = self.rng.choice(len(codes), size=n, p=weights / weights.sum())
        alarms = channels == Channel.SENSOR
        if sensor.any():
            sensor_weights = np.where(sensor, weights, 0.0)
            category[alarms] = self.rng.choice(
                len(codes), size=int(alarms.sum()), p=sensor_weights / sensor_weights.sum()
            )
        grid = self.rng.choice(len(self.grids), size=n, p=self.grid_weights)
        reported = self._reported_minutes(channels)
        # Today is only partly over: what would fall later today happened yesterday instead.
        reported = np.where(reported >= self.until, reported - DAY, reported)
        order = np.lexsort((np.arange(n), reported))
        self._choose_stuck(reported[order])
        self._number_and_write(channels[order], category[order], grid[order], reported[order])

    def _choose_stuck(self, reported: np.ndarray) -> None:
        """A few recent events stall, spread over every open state, as some cases do."""
        recent = np.flatnonzero(reported >= self.until - STALL_DAYS * DAY)
        count = min(len(recent), max(len(OPEN_STATUSES), round(self.total * STUCK)))
        chosen = np.sort(self.rng.choice(recent, size=count, replace=False))
        first_id = self._first_id()
        self.stuck = {
            first_id + int(i): OPEN_STATUSES[k % len(OPEN_STATUSES)]
            for k, i in enumerate(chosen.tolist())
        }

    def _first_id(self) -> int:
        return int(Event.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1

    def _number_and_write(
        self, channels: np.ndarray, category: np.ndarray, grid: np.ndarray, reported: np.ndarray
    ) -> None:
        local_days = (reported + self._utc_offset_minutes()) // DAY
        first_day = self.origin.date()
        day_dates = [first_day + timedelta(days=int(d)) for d in np.unique(local_days)]
        taken = dict(EventCounter.objects.filter(day__in=day_dates).values_list("day", "last"))
        sequence = np.zeros(len(reported), dtype=np.int64)
        lasts: dict[date, int] = {}
        unique, starts, counts = np.unique(local_days, return_index=True, return_counts=True)
        for d, start, count in zip(unique.tolist(), starts.tolist(), counts.tolist(), strict=True):
            day = first_day + timedelta(days=d)
            base = taken.get(day, 0)
            sequence[start : start + count] = np.arange(base + 1, base + count + 1)
            lasts[day] = base + count
        first_id = self._first_id()
        months = (reported // (DAY * 30.5)).astype(np.int64)
        for month in np.unique(months).tolist():
            index = np.flatnonzero(months == month)
            self._month(index, first_id, channels, category, grid, reported, local_days, sequence)
            self.tick(1)
        self._counters(taken, lasts)
        self._reset_sequences()

    def _utc_offset_minutes(self) -> int:
        offset = self.origin.utcoffset()
        return int(offset.total_seconds() // 60) if offset is not None else 0

    # One month ----------------------------------------------------------------

    def _month(
        self,
        index: np.ndarray,
        first_id: int,
        channels: np.ndarray,
        category: np.ndarray,
        grid: np.ndarray,
        reported: np.ndarray,
        local_days: np.ndarray,
        sequence: np.ndarray,
    ) -> None:
        events = Columns(EVENT_COLUMNS, frozenset(STAMPS) | {"created_at"})
        steps = Columns(
            ("event_id", "from_status", "to_status", "command", "actor_id", "at", "note")
            + ("reason", "payload", "stage"),
            frozenset({"at"}),
        )
        deadlines = Columns(
            ("event_id", "stage", "started_at", "due_at", "ended_at", "outcome", "escalated_at")
            + ("paused_at", "paused_minutes"),
            frozenset({"started_at", "due_at", "ended_at", "escalated_at", "paused_at"}),
        )
        first_day = self.origin.date()
        for i in index.tolist():
            day = first_day + timedelta(days=int(local_days[i]))
            number = f"SJ{day:%Y%m%d}{int(sequence[i]):06d}"
            self._event(
                first_id + i,
                number,
                str(channels[i]),
                self.categories[int(category[i])],
                self.grids[int(grid[i])],
                int(reported[i]),
                events,
                steps,
                deadlines,
            )
        self._insert(Event, events)
        self._insert(EventTransition, steps)
        self._insert(Deadline, deadlines)
        self.counts.events += len(events)
        self.counts.transitions += len(steps)
        self.counts.deadlines += len(deadlines)

    def _event(
        self,
        event_id: int,
        number: str,
        channel: str,
        cat: CategoryInfo,
        grid: GridInfo,
        reported: int,
        events: Columns,
        steps: Columns,
        deadlines: Columns,
    ) -> None:
        stuck = self.stuck.get(event_id)
        life = self._life(channel, cat, grid, reported, stuck)
        reporter = (
            self.grid_worker[0]
            if channel == Channel.GRID_WORKER and grid.code == self.grid_worker[1]
            else None
        )
        replay = Replay(self, event_id, cat, grid, steps)
        replay.record("", "report", reported, reporter, "", "{}")
        replay.clock_start(Stage.REGISTER, reported)
        for command, at, reason, payload, actor in _cut(
            [s for s in life.steps if s[1] <= self.until], stuck
        ):
            replay.apply(command, at, reason, payload, actor)
        replay.sweep(self.until + 1)
        for attempt in replay.attempts:
            deadlines.add(
                event_id=event_id,
                stage=attempt.stage,
                started_at=attempt.started,
                due_at=attempt.due,
                ended_at=attempt.ended,
                outcome=attempt.outcome,
                escalated_at=attempt.escalated,
                paused_at=attempt.paused_at,
                paused_minutes=attempt.paused_minutes,
            )
        if replay.status in OPEN_STATUSES:
            self.counts.open += 1
        point = grid.points[self.pick.randrange(len(grid.points))]
        events.add(
            id=event_id,
            number=number,
            category_id=cat.id,
            severity=cat.severity,
            description=self._description(cat, grid),
            lon=point[0],
            lat=point[1],
            node_id=grid.id,
            grid_id=grid.id,
            owner_id=replay.owners[replay.owner][0],
            channel=channel,
            reporter_id=reporter,
            status=replay.status,
            version=replay.version,
            assigned_department_id=replay.department,
            rework_count=replay.rework,
            extension_minutes=replay.extension,
            rating=replay.rating,
            extra=json.dumps(self._extra(cat, grid), ensure_ascii=False),
            **self._caller(channel, number),
            created_at=reported,
            **replay.stamps,
        )

    def _duration(self, limit: int, median: float = 0.25, sigma: float = 0.7) -> int:
        """Most steps take a fraction of their time limit; a few run over it."""
        return max(1, round(limit * self.pick.lognormvariate(math.log(median), sigma)))

    def _life(
        self, channel: str, cat: CategoryInfo, grid: GridInfo, reported: int, stuck: str | None
    ) -> Life:
        """The event's whole life as drawn; a `stuck` event takes a path through that state."""
        life = Life()
        limits, natural = cat.limits, cat.natural
        t = reported
        local_sd = grid.code.startswith(self.dispatcher[1])
        sd = self.dispatcher[0] if local_sd else None
        gw = self.grid_worker[0] if grid.code == self.grid_worker[1] else None
        r = self.pick.random

        def step(
            command: str, minutes: int, reason: str = "", payload: str = "{}", actor: Any = None
        ) -> None:
            nonlocal t
            t = self.clock.add(t, minutes, natural=natural)
            life.steps.append((command, t, reason, payload, actor))

        if r() < REJECT and stuck is None:
            step(Command.REJECT, self._duration(limits["register"]), "不属于受理范围", actor=sd)
            return life
        solve = channel == Channel.GRID_WORKER and cat.self_handle and r() < SELF_HANDLE
        if solve and stuck not in DISPATCHED_STATES:
            step(Command.SELF_HANDLE, self._duration(limits["register"]), actor=gw)
        else:
            step(Command.REGISTER, self._duration(limits["register"]), actor=sd)
            if r() < CANCEL and stuck is None:
                step(Command.CANCEL, self._duration(limits["dispatch"]), "重复上报", actor=sd)
                return life
            if r() < SUSPEND or stuck == Status.SUSPENDED:
                step(Command.SUSPEND, self._duration(limits["dispatch"]), "待条件具备", actor=sd)
                t += self.pick.randint(3, 60) * DAY
                step(Command.RESUME, 1, actor=sd)
            handler = self._dispatch(step, cat, grid, sd, stuck == Status.RETURNED)
            if r() < EXTENSION:
                step(
                    Command.REQUEST_EXTENSION,
                    self._duration(limits["handle"], 0.3),
                    "需协调多部门",
                    json.dumps({"minutes": limits["handle"]}),
                    handler,
                )
                step(Command.APPROVE_EXTENSION, self._duration(120), actor=sd)
            step(Command.HANDLE, self._duration(limits["handle"]), payload=PHOTOS, actor=handler)
            if r() < REWORK:
                step(
                    Command.REWORK,
                    self._duration(limits["verify"]),
                    "核查未通过，需重新处置",
                    actor=gw,
                )
                step(
                    Command.HANDLE, self._duration(limits["handle"]), payload=PHOTOS, actor=handler
                )
        step(Command.VERIFY, self._duration(limits["verify"]), actor=gw)
        # Closure waits for the dispatcher's review, which no time limit presses.
        step(Command.CLOSE, self._duration(960, 0.25, 0.8), actor=sd)
        if r() < EVALUATED:
            score = self.pick.choices([s for s, _w in SCORES], [w for _s, w in SCORES])[0]
            t += self.pick.randint(10, 3 * DAY)
            step(Command.EVALUATE, 0, payload=json.dumps({"score": score}), actor=sd)
        return life

    def _dispatch(
        self,
        step: Callable[..., None],
        cat: CategoryInfo,
        grid: GridInfo,
        sd: int | None,
        returned: bool,
    ) -> int | None:
        """Dispatch, perhaps returned and dispatched again, and accepted; returns who handles."""
        limits, r = cat.limits, self.pick.random
        wait = self._duration(limits["dispatch"])
        to_community = not returned and (
            not cat.department_code or (cat.severity != "urgent" and r() < TO_COMMUNITY)
        )
        if to_community:
            step(Command.DISPATCH, wait, payload=json.dumps({"node": grid.community[1]}), actor=sd)
        else:
            code = self._department(grid, cat.department_code or "centre")
            step(Command.DISPATCH, wait, payload=json.dumps({"department": code}), actor=sd)
            if r() < RETURN or returned:
                dh = self._handler(code)
                step(
                    Command.RETURN, self._duration(limits["handle"], 0.05), "非本部门职责", actor=dh
                )
                centre = self._department(grid, "centre")
                step(
                    Command.DISPATCH,
                    self._duration(limits["dispatch"]),
                    payload=json.dumps({"department": centre}),
                    actor=sd,
                )
                code = centre
            handler = self._handler(code)
            step(Command.ACCEPT, self._duration(limits["handle"], 0.04), actor=handler)
            return handler
        step(Command.ACCEPT, self._duration(limits["handle"], 0.04))
        return None

    def _department(self, grid: GridInfo, suffix: str) -> str:
        code = f"{grid.district[1]}-{suffix}"
        return code if code in self.departments else suffix

    def _handler(self, code: str) -> int | None:
        return self.handler[0] if self.departments.get(code) == self.handler[1] else None

    def _caller(self, channel: str, number: str) -> dict[str, str]:
        """A hotline call keeps its ticket and the caller, masked, as the hotline intake does."""
        if channel != Channel.HOTLINE:
            return dict.fromkeys(CALLER_COLUMNS, "")
        digits = f"1{self.pick.choice('3589')}{self.pick.randrange(10**9):09d}"
        return {
            "hotline_ticket": f"12345{number[2:]}",
            "caller_name_masked": mask_name(names.person(self.pick)),
            "caller_phone_masked": mask_phone(digits),
            "caller_phone_last4": digits[-4:],
        }

    def _description(self, cat: CategoryInfo, grid: GridInfo) -> str:
        return f"{grid.name}{self.pick.choice(SPOTS)}发现{cat.name}，请及时处理。"

    def _extra(self, cat: CategoryInfo, grid: GridInfo) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for spec in cat.extra_fields:
            if not spec.get("required"):
                continue
            if spec.get("choices"):
                extra[spec["code"]] = self.pick.choice(spec["choices"])
            elif spec.get("type") == "number":
                extra[spec["code"]] = self.pick.randint(1, 12)
            elif spec["code"] == "address":
                extra[spec["code"]] = (
                    f"{grid.name}{self.pick.randint(1, 30)}栋{self.pick.randint(1, 4)}单元"
                    f"{self.pick.randint(1, 18)}0{self.pick.randint(1, 4)}室"
                )
            else:
                extra[spec["code"]] = f"{self.pick.randint(1, 30)}栋"
        return extra

    # Writing --------------------------------------------------------------------

    def _insert(self, model: type[models.Model], columns: Columns) -> None:
        """COPY on PostgreSQL, executemany elsewhere; fields we do not draw get their default."""
        names = list(columns.names)
        values: list[Iterable[Any]] = [
            self.clock.strings(columns.data[n], sqlite=self.sqlite)
            if n in columns.times
            else columns.data[n]
            for n in names
        ]
        rows = len(columns)
        for f in model._meta.concrete_fields:
            if f.column in columns.names or f.primary_key:
                continue
            names.append(str(f.column))
            values.append([f.get_db_prep_save(f.get_default(), connection)] * rows)
        table = connection.ops.quote_name(model._meta.db_table)
        column_list = ", ".join(connection.ops.quote_name(n) for n in names)
        with connection.cursor() as cursor:
            if self.sqlite:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(
                    f"INSERT INTO {table} ({column_list}) VALUES ({marks})",  # noqa: S608
                    list(zip(*values, strict=True)),
                )
                return
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in zip(*values, strict=True):
                    copy.write_row(row)

    def _counters(self, taken: dict[date, int], lasts: dict[date, int]) -> None:
        for day, last in lasts.items():
            if day in taken:
                EventCounter.objects.filter(day=day).update(last=last)
        EventCounter.objects.bulk_create(
            [EventCounter(day=d, last=n) for d, n in lasts.items() if d not in taken],
            batch_size=2000,
        )

    def _reset_sequences(self) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Event]):
                cursor.execute(sql)


CALLER_COLUMNS = (
    "hotline_ticket",
    "caller_name_masked",
    "caller_phone_masked",
    "caller_phone_last4",
)
STAMPS = tuple(facts.stamp for facts in STATES.values())
EVENT_COLUMNS = (
    "id",
    "number",
    "category_id",
    "severity",
    "description",
    "lon",
    "lat",
    "node_id",
    "grid_id",
    "owner_id",
    "channel",
    "reporter_id",
    "status",
    "version",
    "assigned_department_id",
    "rework_count",
    "extension_minutes",
    "rating",
    "extra",
    *CALLER_COLUMNS,
    "created_at",
    *STAMPS,
)
# The loop's tables keyed by plain strings: a million events' lookups skip the enum constructors.
NEXT: dict[tuple[str, str], str] = {(str(s), str(c)): str(t) for (s, c), t in TRANSITIONS.items()}
STAGE: dict[str, str] = {str(s): str(stage) for s, stage in STAGE_OF_STATUS.items()}
WITH_DATA = frozenset(
    {Command.DISPATCH, Command.REQUEST_EXTENSION, Command.APPROVE_EXTENSION, Command.EVALUATE}
)
PHOTOS = '{"photos": []}'
# The open states reached only through a dispatch, where self-handling would skip them.
DISPATCHED_STATES = frozenset(
    {Status.REGISTERED, Status.DISPATCHED, Status.ACCEPTED, Status.RETURNED, Status.SUSPENDED}
)


def _cut(steps: list[Step], stuck: str | None) -> list[Step]:
    """The steps up to the first that enters `stuck`; all of them when nothing stalls."""
    if stuck is None:
        return steps
    if stuck == Status.REPORTED:
        return []
    status: str = str(Status.REPORTED)
    for k, item in enumerate(steps):
        status = NEXT[status, item[0]]
        if status == stuck:
            return steps[: k + 1]
    return steps


NOTES: dict[str, str] = {
    Command.SELF_HANDLE: "网格员现场处置完毕",
    Command.HANDLE: "已处置完毕",
    Command.VERIFY: "现场核查属实，已处置",
    Command.CLOSE: "准予结案",
}


def history_months(scale: str) -> int:
    """Progress steps the history takes (one per month written)."""
    return 13 if EVENTS_PER_YEAR.get(scale) else 0


def history_write(
    *,
    city_code: str,
    scale: str,
    seed: int,
    until: datetime | None = None,
    tick: Callable[[int], object] = lambda _n: None,
) -> HistoryCounts:
    """Write the year of events ending at `until` (now); the caller holds the transaction."""
    writer = HistoryWriter(
        city_code=city_code,
        total=EVENTS_PER_YEAR[scale],
        seed=seed,
        until=until or timezone.now(),
        tick=tick,
    )
    if writer.grids and writer.categories:
        writer.draw()
    return writer.counts
