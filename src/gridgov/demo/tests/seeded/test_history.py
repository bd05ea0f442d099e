import hashlib
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import shapely
from django.db.models import Max, QuerySet
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core import crypto
from gridgov.demo.actions import demo_city_reset
from gridgov.demo.history import EVENTS_PER_YEAR
from gridgov.demo.tests.seeded.city import UNTIL, seed
from gridgov.events.actions.intake import event_report
from gridgov.events.models import (
    Category,
    Channel,
    Deadline,
    Event,
    EventCounter,
    EventTransition,
)
from gridgov.events.workflow import (
    AUTO_ESCALATE,
    OPEN_STATUSES,
    STAGE_OF_STATUS,
    TRANSITIONS,
    UNJUDGED_ENDS,
    Command,
    Outcome,
    Status,
)
from gridgov.exchange.models import ImportJob, ImportStatus
from gridgov.registry.models import Person
from gridgov.whistle.models import Whistle
from gridgov.worktime.calendar import current_calendar, deadline


def written() -> QuerySet[Event]:
    """The year the history writer wrote; the domains seeded after it (inspections, mediation,
    rentals) report their live events at seeding time, as a person would."""
    return Event.objects.filter(reported_at__lte=UNTIL)


def timelines() -> dict[int, list[EventTransition]]:
    steps: dict[int, list[EventTransition]] = defaultdict(list)
    history = EventTransition.objects.filter(event__reported_at__lte=UNTIL)
    for step in history.order_by("event_id", "at", "id"):
        steps[step.event_id].append(step)
    return steps


def test_a_year_of_events_in_the_shares_of_a_real_city(seeded):
    events = written()
    assert events.count() == EVENTS_PER_YEAR["small"]
    statuses = Counter(events.values_list("status", flat=True))
    open_count = sum(statuses[s] for s in OPEN_STATUSES)
    # Nantong closed 98.71 %; the demo's last days leave about 1.3 % open.
    assert 0.982 <= 1 - open_count / events.count() <= 0.993
    assert set(OPEN_STATUSES) <= set(statuses)
    assert statuses[Status.EVALUATED] > statuses[Status.CLOSED] > 0
    channels = Counter(events.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] == Channel.GRID_WORKER
    assert {Channel.HOTLINE, Channel.SNAP_REPORT, Channel.SENSOR} <= set(channels)
    hotline = events.filter(channel=Channel.HOTLINE)
    assert not hotline.filter(hotline_ticket="").exists()
    for phone, last4 in hotline.values_list("caller_phone_masked", "caller_phone_last4"):
        assert phone == f"{phone[:3]}****{last4}"
    assert not events.exclude(channel=Channel.HOTLINE).exclude(hotline_ticket="").exists()
    reworked = events.filter(rework_count__gt=0).count()
    assert 0.01 <= reworked / events.count() <= 0.06
    assert set(events.exclude(rating=None).values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    moments = sorted(m for m in events.values_list("reported_at", flat=True) if m is not None)
    assert len(moments) == events.count()
    assert UNTIL - timedelta(days=366) <= moments[0] < moments[-1] <= UNTIL
    calendar = current_calendar()
    zone = calendar.hours.zone
    local = [
        m.astimezone(zone)
        for m in events.filter(channel=Channel.GRID_WORKER).values_list("reported_at", flat=True)
        if m is not None
    ]
    in_office = sum(
        1
        for m in local
        if calendar.is_working_day(m.date())
        and any(b <= m.time() < e for b, e in calendar.hours.periods)
    )
    assert in_office / channels[Channel.GRID_WORKER] > 0.8
    categories = Counter(events.values_list("category__code", flat=True))
    assert categories.most_common(1)[0][0] == "0101"
    assert Category.objects.filter(parent__isnull=False).count() >= len(categories) > 20


def test_every_timeline_replays_through_the_loop_to_the_events_status(seeded):
    events = {e.pk: e for e in written()}
    steps = timelines()
    assert steps.keys() == events.keys()
    for event_id, timeline in steps.items():
        event = events[event_id]
        first, rest = timeline[0], timeline[1:]
        assert (first.from_status, first.to_status, first.command) == ("", "reported", "report")
        assert first.at == event.reported_at == event.created_at
        status = Status.REPORTED
        entered = {Status.REPORTED: first.at}
        for step in rest:
            assert step.from_status == status, event.number
            if step.command == AUTO_ESCALATE:
                assert step.to_status == status
                assert step.stage
                continue
            before, status = status, TRANSITIONS[status, Command(step.command)]
            assert step.to_status == status, event.number
            if status != before:
                entered[status] = step.at
        assert event.status == status
        assert event.version == len(timeline)
        for state, at in entered.items():
            assert getattr(event, f"{state}_at") == at
        assert event.rework_count == sum(s.command == Command.REWORK for s in timeline)
        if event.status == Status.EVALUATED:
            assert event.rating == timeline[-1].payload["score"]
        assert [s.at for s in timeline] == sorted(s.at for s in timeline)


def _attempts_of(
    timeline: list[EventTransition],
) -> list[tuple[str, datetime, EventTransition | None]]:
    """The stages an event entered, in order, each with when and the step that ended it: the
    rows the loop writes. A suspension pauses the stage and resuming into it continues it."""
    attempts: list[tuple[str, datetime, EventTransition | None]] = []
    current: str | None = None
    for step in timeline:
        if step.to_status == step.from_status:
            continue
        new = (
            current
            if step.to_status == Status.SUSPENDED
            else STAGE_OF_STATUS.get(Status(step.to_status))
        )
        if new == current:
            continue
        if current is not None:
            stage, started, _end = attempts[-1]
            attempts[-1] = (stage, started, step)
        if new is not None:
            attempts.append((str(new), step.at, None))
        current = new
    return attempts


def test_every_attempt_at_a_stage_is_a_row_judged_as_the_loop_judges_it(seeded):
    events = Event.objects.select_related("category").in_bulk()
    escalations = {
        (s.event_id, s.stage): s.at for s in EventTransition.objects.filter(command=AUTO_ESCALATE)
    }
    extended = set(
        EventTransition.objects.filter(command=Command.APPROVE_EXTENSION).values_list(
            "event_id", flat=True
        )
    )
    rows_of: dict[int, list[Deadline]] = defaultdict(list)
    for row in Deadline.objects.order_by("event_id", "started_at", "id"):
        rows_of[row.event_id].append(row)
    outcomes: Counter[str] = Counter()
    overdue = paused = 0
    for event_id, timeline in timelines().items():
        event, rows = events[event_id], rows_of[event_id]
        category = event.category
        expected = _attempts_of(timeline)
        assert [(r.stage, r.started_at) for r in rows] == [(s, at) for s, at, _e in expected]
        latest = {r.stage: r for r in rows}
        for row, (_stage, _at, end) in zip(rows, expected, strict=True):
            due = deadline(
                row.started_at, category.limit_minutes(row.stage), natural=category.natural_time
            )
            if row.paused_minutes:
                paused += 1
                due = deadline(due, row.paused_minutes, natural=category.natural_time)
            if event_id in extended and row.stage == "handle":
                assert row.due_at >= due
            else:
                assert row.due_at == due, (event.number, row.stage)
            if end is None:
                assert (row.ended_at, row.outcome) == (None, "")
                assert row is rows[-1]
                assert (row.paused_at is not None) == (event.status == Status.SUSPENDED)
            else:
                assert row.ended_at == end.at
                judged = Outcome.ON_TIME if end.at <= row.due_at else Outcome.OVERDUE
                assert row.outcome == UNJUDGED_ENDS.get(Command(end.command), judged)
            outcomes[row.outcome] += 1
            escalated = escalations.get((event_id, row.stage))
            # A later attempt of an escalated stage keeps the stamp; the latest always has it.
            assert row.escalated_at in (None, escalated)
            if row is latest[row.stage]:
                assert row.escalated_at == escalated
            overdue += int((row.ended_at or UNTIL) > row.due_at)
        running = STAGE_OF_STATUS.get(Status(event.status)) or (event.status == Status.SUSPENDED)
        assert any(r.ended_at is None for r in rows) == bool(running), event.number
    rows = [r for event_rows in rows_of.values() for r in event_rows]
    # Most stages finish in time; a few run over and escalate.
    assert 0.005 < overdue / len(rows) < 0.08
    assert len(escalations) > 0
    # Returns, reworks and suspensions leave their history: a stage attempted more than once.
    assert outcomes[Outcome.RETURNED] > 0
    assert outcomes[Outcome.ON_TIME] > outcomes[Outcome.OVERDUE] > 0
    assert paused > 0
    stages = Counter((r.event_id, r.stage) for r in rows)
    assert max(stages.values()) > 1


def digest() -> str:
    """The year of history up to UNTIL; the whistle cases seeded on its open events are steps
    taken at seeding time, stamped with the clock like any live step."""
    h = hashlib.sha256()
    for event in (
        written()
        .order_by("number")
        .values_list(
            "number", "status", "category__code", "grid__code", "reported_at", "closed_at", "lon"
        )
    ):
        h.update(repr(event).encode())
    steps = EventTransition.objects.filter(at__lte=UNTIL).order_by("event__number", "at", "id")
    for step in steps.values_list("event__number", "command", "at", "actor__username"):
        h.update(repr(step).encode())
    return h.hexdigest()


def registry() -> list[str]:
    return sorted(
        crypto.decrypt(p.id_number_encrypted, field="person.id_number")
        for p in Person.objects.all()
    )


def whistles() -> list[tuple[str, str]]:
    return sorted(Whistle.objects.values_list("event__number", "reason"))


def test_one_seed_gives_one_city_and_another_seed_another(seeded):
    """Reset and seed again: the same history, whistle cases and registry; another seed
    number, another history."""
    first = digest(), whistles(), registry()
    assert all(first)
    demo_city_reset()
    assert not Event.objects.exists()
    assert not EventCounter.objects.exists()
    seed()
    assert (digest(), whistles(), registry()) == first
    assert ImportJob.objects.filter(status=ImportStatus.FAILED).count() == 1
    demo_city_reset()
    seed(2)
    assert digest() != first[0]


def test_counters_match_the_numbers_and_a_new_report_continues_them(seeded):
    by_day: dict[str, int] = {}
    for number in Event.objects.values_list("number", flat=True):
        assert len(number) == 16
        assert number.startswith("SJ")
        day, sequence = number[2:10], int(number[10:])
        by_day[day] = max(by_day.get(day, 0), sequence)
    counters = {f"{c.day:%Y%m%d}": c.last for c in EventCounter.objects.all()}
    assert counters == by_day
    assert sum(by_day.values()) == Event.objects.count()
    gw = User.objects.get(username="gw")
    grid = gw.node
    assert grid is not None
    point = shapely.point_on_surface(grid.geometry)
    before = Event.objects.aggregate(top=Max("id"))["top"]
    event = event_report(
        actor=gw,
        category_code="0101",
        description="楼下暴露垃圾",
        lon=point.x,
        lat=point.y,
    )
    today = f"{timezone.localdate():%Y%m%d}"
    assert event.number == f"SJ{today}{by_day.get(today, 0) + 1:06d}"
    assert event.pk > before
    assert Event.objects.filter(number=event.number).count() == 1
