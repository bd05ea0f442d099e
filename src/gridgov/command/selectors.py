"""Every read of linked command, scoped to the caller: centres, instructions and receipts, plans
and activations, shifts, and the wall display's figures.

A centre is visible when its area lies in the caller's jurisdiction; what the centre reads
of its area (events, shifts, receipts) is then read with the centre's own scope.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.command.models import (
    Activation,
    CentreKind,
    CentreMember,
    CommandCentre,
    EmergencyPlan,
    Instruction,
    Receipt,
    Shift,
    ShiftSwap,
    SwapStatus,
)
from gridgov.command.nearest import Nearby, positions
from gridgov.command.workflow import UNACKNOWLEDGED
from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope
from gridgov.events.models import CLOCK_TICKING, Deadline, Event, EventTransition
from gridgov.events.workflow import AUTO_ESCALATE, CLOSED_STATUSES, OPEN_STATUSES, Command
from gridgov.jurisdiction.selectors import scope_of

# The wall's map marks at most this many open events (the rest are still counted).
MARKER_LIMIT = 5000


def centres_visible(user: User) -> QuerySet[CommandCentre]:
    return CommandCentre.objects.visible_to(scope_of(user)).select_related(
        "node", "department", "parent"
    )


def centre_get(user: User, centre_id: int) -> CommandCentre:
    centre = centres_visible(user).filter(pk=centre_id).first()
    if centre is None:
        raise NotFound(_("No such command centre."), code="centre_not_found")
    return centre


def centre_scope(centre: CommandCentre) -> Scope:
    """What a centre commands: its area; a department's centre, its department there."""
    scope = Scope.under(centre.node)
    if centre.kind == CentreKind.DEPARTMENT and centre.department_id is not None:
        return Scope(prefix=centre.node.code, department_id=centre.department_id)
    return scope


def membership(user: User, centre: CommandCentre) -> str | None:
    """The user's role in the centre, if a member."""
    role: str | None = (
        CentreMember.objects.visible_to(Scope.under(centre.node))
        .filter(centre=centre, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return role


def members_of(centre: CommandCentre) -> QuerySet[CentreMember]:
    return (
        CentreMember.objects.visible_to(Scope.under(centre.node))
        .filter(centre=centre)
        .select_related("user")
    )


def centres_of_member(user: User) -> QuerySet[CommandCentre]:
    """The centres the user sits in, where they send instructions from."""
    return centres_visible(user).filter(members__user=user).distinct()


def hq_activation(centre: CommandCentre, now: datetime | None = None) -> Activation | None:
    """The centre's running activation, if any: not ended and not past its planned end."""
    now = now or timezone.now()
    return (
        Activation.objects.visible_to(Scope.under(centre.node))
        .filter(centre=centre, ended_at__isnull=True, ends_at__gt=now)
        .select_related("plan", "area")
        .first()
    )


def hq_reach(centre: CommandCentre, now: datetime | None = None) -> Scope | None:
    """The area a headquarters may order directly, skipping levels; None in normal operation.
    The reach is the running activation's, so it ends with the activation."""
    activation = hq_activation(centre, now)
    return Scope.under(activation.area) if activation is not None else None


def instructions_visible(user: User) -> QuerySet[Instruction]:
    return Instruction.objects.visible_to(scope_of(user)).select_related(
        "centre", "centre__node", "sent_by", "activation"
    )


def instruction_get(user: User, instruction_id: int) -> Instruction:
    instruction = instructions_visible(user).filter(pk=instruction_id).first()
    if instruction is None:
        raise NotFound(_("No such instruction."), code="instruction_not_found")
    return instruction


def instruction_counts(instruction: Instruction) -> dict[str, int]:
    rows = (
        Receipt.objects.visible_to(Scope.under(instruction.centre.node))
        .filter(instruction=instruction)
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    counts["total"] = sum(counts.values())
    return counts


def receipts_of(instruction: Instruction, *, unacknowledged: bool = False) -> QuerySet[Receipt]:
    rows = (
        Receipt.objects.visible_to(Scope.under(instruction.centre.node))
        .filter(instruction=instruction)
        .select_related("recipient")
    )
    return rows.filter(status__in=UNACKNOWLEDGED) if unacknowledged else rows


def receipts_mine(user: User) -> QuerySet[Receipt]:
    return (
        Receipt.objects.visible_to(scope_of(user))
        .filter(recipient=user, delivered_at__isnull=False)
        .select_related("instruction", "instruction__centre")
        .order_by("-instruction__sent_at", "-id")
    )


def receipts_to_acknowledge(user: User) -> int:
    """What the user's home counts: instructions to them not yet acknowledged."""
    return receipts_mine(user).filter(status__in=UNACKNOWLEDGED).count()


def instructions_late(user: User) -> QuerySet[Instruction]:
    """Instructions of the user's jurisdiction past their time to acknowledge with someone
    still silent: what a centre follows up."""
    return (
        instructions_visible(user)
        .filter(ack_due_at__lt=timezone.now(), receipts__status__in=UNACKNOWLEDGED)
        .distinct()
    )


def receipt_mine(user: User, receipt_id: int) -> Receipt:
    """Only the addressee reads their receipt to act on it; anyone else is not addressed."""
    receipt = receipts_mine(user).filter(pk=receipt_id).first()
    if receipt is None:
        raise NotFound(_("No such instruction addressed to you."), code="not_addressed")
    return receipt


def plans_visible(user: User) -> QuerySet[EmergencyPlan]:
    return EmergencyPlan.objects.visible_to(scope_of(user)).select_related("centre")


def plan_get(user: User, plan_id: int) -> EmergencyPlan:
    plan = plans_visible(user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such plan."), code="plan_not_found")
    return plan


def activations_visible(user: User) -> QuerySet[Activation]:
    return Activation.objects.visible_to(scope_of(user)).select_related(
        "plan", "centre", "area", "activated_by", "ended_by"
    )


def activation_get(user: User, activation_id: int) -> Activation:
    activation = activations_visible(user).filter(pk=activation_id).first()
    if activation is None:
        raise NotFound(_("No such activation."), code="activation_not_found")
    return activation


def shifts_visible(user: User) -> QuerySet[Shift]:
    return Shift.objects.visible_to(scope_of(user)).select_related("user", "centre", "node")


def shift_get(user: User, shift_id: int) -> Shift:
    shift = shifts_visible(user).filter(pk=shift_id).first()
    if shift is None:
        raise NotFound(_("No such shift."), code="shift_not_found")
    return shift


def swap_get(user: User, swap_id: int) -> ShiftSwap:
    swap = (
        ShiftSwap.objects.visible_to(scope_of(user))
        .select_related("shift", "shift__centre", "to_user")
        .filter(pk=swap_id)
        .first()
    )
    if swap is None:
        raise NotFound(_("No such swap."), code="swap_not_found")
    return swap


def swaps_waiting(centre: CommandCentre) -> QuerySet[ShiftSwap]:
    """Swaps asked for on the centre's shifts, waiting for its decision."""
    return (
        ShiftSwap.objects.visible_to(Scope.under(centre.node))
        .filter(shift__centre=centre, status=SwapStatus.REQUESTED)
        .select_related("shift", "shift__user", "to_user")
        .order_by("shift__starts_at")
    )


def shifts_in(scope: Scope, start: datetime, end: datetime) -> QuerySet[Shift]:
    """Shifts of the scope's units that overlap [start, end)."""
    return (
        Shift.objects.visible_to(scope)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("user", "centre", "node")
        .order_by("starts_at", "id")
    )


def on_duty(scope: Scope, at: datetime | None = None) -> QuerySet[Shift]:
    at = at or timezone.now()
    return shifts_in(scope, at, at + timedelta(microseconds=1))


def on_duty_user_ids(scope: Scope, at: datetime | None = None) -> set[int]:
    return set(on_duty(scope, at).values_list("user_id", flat=True))


def next_on_duty(scope: Scope, at: datetime | None = None) -> QuerySet[Shift]:
    at = at or timezone.now()
    return shifts_in(scope, at, at + timedelta(days=2)).filter(starts_at__gt=at)


@dataclass(frozen=True)
class Gap:
    unit: str
    start: datetime
    end: datetime


def roster_gaps(
    shifts: list[tuple[str, datetime, datetime]], start: datetime, end: datetime
) -> list[Gap]:
    """The stretches of [start, end) each unit leaves with nobody on duty, from (unit, start,
    end) rows: what a roster is warned of before it is saved."""
    by_unit: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for unit, s, e in shifts:
        by_unit[unit].append((s, e))
    gaps = []
    for unit, spans in sorted(by_unit.items()):
        cursor = start
        for s, e in sorted(spans):
            if s > cursor:
                gaps.append(Gap(unit, cursor, min(s, end)))
            cursor = max(cursor, e)
            if cursor >= end:
                break
        if cursor < end:
            gaps.append(Gap(unit, cursor, end))
    return gaps


def nearest_on_duty(user: User, lon: float, lat: float, k: int = 5) -> list[Nearby]:
    """The on-duty workers of the caller's jurisdiction nearest to a point (see nearest.py)."""
    return positions(scope_of(user)).nearest(lon, lat, k)


def wall_data(centre: CommandCentre, now: datetime | None = None) -> dict[str, Any]:
    """What the wall display shows of the centre's area, as plain data; the page polls it."""
    now = now or timezone.now()
    scope = Scope.under(centre.node)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    events = Event.objects.visible_to(scope)
    counts = events.annotate(late=Exists(_late())).aggregate(
        intake=Count("id", filter=Q(reported_at__gte=day_start)),
        closed=Count("id", filter=Q(status__in=CLOSED_STATUSES, closed_at__gte=day_start)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, late=True)),
    )
    escalations = EventTransition.objects.filter(
        event__in=events.filter(status__in=OPEN_STATUSES).values("pk"),
        at__gte=day_start,
        command__in=[Command.ESCALATE, AUTO_ESCALATE],
    )
    activation = hq_activation(centre, now)
    duty: dict[str, list[str]] = defaultdict(list)
    for shift in on_duty(scope, now):
        unit = shift.centre.name if shift.centre else shift.node.name
        duty[unit].append(shift.user.display_name or shift.user.username)
    pending = (
        Receipt.objects.visible_to(scope)
        .filter(status__in=UNACKNOWLEDGED, instruction__centre=centre, delivered_at__isnull=False)
        .values("instruction_id", "instruction__title", "instruction__priority")
        .annotate(n=Count("id"))
        .order_by("-instruction_id")[:20]
    )
    markers = _markers(scope)
    return {
        "centre": centre.name,
        "now": now.isoformat(),
        "intake_today": counts["intake"],
        "closed_today": counts["closed"],
        "open": counts["open"],
        "overdue": counts["overdue"],
        "escalations_today": escalations.count(),
        "emergency": _emergency(activation),
        "on_duty": [{"unit": unit, "people": people} for unit, people in sorted(duty.items())],
        "unacknowledged": [
            {
                "instruction": row["instruction_id"],
                "title": row["instruction__title"],
                "urgent": row["instruction__priority"] == "urgent",
                "missing": row["n"],
            }
            for row in pending
        ],
        "events": markers,
    }


def wall_data_shared(centre: CommandCentre) -> dict[str, Any]:
    """The wall's data read once per centre per COMMAND_WALL_CACHE_SECONDS and served to every
    wall and poll of that centre meanwhile: a dozen screens cost one read. When it is due,
    one caller (who wins the cache's `add`) reads it again while the others are served the
    last one, so no poll waits for the read but the very first. The page polls every 3 s:
    what it shows is at most about 5 s old."""
    seconds = settings.COMMAND_WALL_CACHE_SECONDS
    if seconds <= 0:
        return wall_data(centre)
    key = f"command:wall:{_wall_generation}:{centre.pk}"
    entry: tuple[dict[str, Any], float] | None = cache.get(key)
    now = time.time()
    if entry is not None and (entry[1] > now or not cache.add(f"{key}:reading", 1, seconds)):
        return entry[0]
    value = wall_data(centre)
    cache.set(key, (value, time.time() + seconds), seconds * 30)
    return value


_wall_generation = 0


def wall_cache_reset() -> None:
    """Forget every cached wall (tests, whose rows are rolled back under the same ids)."""
    global _wall_generation  # noqa: PLW0603 (one counter for the process)
    _wall_generation += 1


def _late() -> QuerySet[Deadline]:
    """A stage clock of the outer event still running past its limit: overdue, shown red."""
    return Deadline.objects.filter(CLOCK_TICKING, event=OuterRef("pk"), due_at__lt=timezone.now())


def _markers(scope: Scope) -> list[Mapping[str, Any]]:
    """The open events' points with their overdue flag, as rows (a district's thousands)."""
    late = Deadline.objects.filter(CLOCK_TICKING, event=OuterRef("pk"), due_at__lt=timezone.now())
    rows = (
        Event.objects.visible_to(scope)
        .filter(status__in=OPEN_STATUSES)
        .annotate(overdue=Exists(late))
        .order_by()
        .values("number", "lon", "lat", "status", "overdue")[:MARKER_LIMIT]
    )
    return list(rows)


def _emergency(activation: Activation | None) -> dict[str, Any] | None:
    if activation is None:
        return None
    return {
        "plan": activation.plan.name,
        "level": activation.level,
        "area": activation.area.name,
        "since": activation.activated_at.isoformat(),
        "until": activation.ends_at.isoformat(),
    }


def duty_people(centre: CommandCentre, also: set[int] | frozenset[int] = frozenset()) -> list[User]:
    """Whom a centre's roster page offers: its members, the active staff placed on its node
    (or in its department), and `also` (those already rostered), by name."""
    placed = (
        Q(department_id=centre.department_id)
        if centre.department_id is not None
        else Q(node_id=centre.node_id)
    )
    return list(
        User.objects.visible_to(Scope.under(centre.node))
        .filter(
            Q(is_active=True) & (placed | Q(pk__in=members_of(centre).values("user_id")))
            | Q(pk__in=also)
        )
        .order_by("display_name", "username")[:300]
    )


def plan_units(centre: CommandCentre) -> QuerySet[CommandCentre]:
    """The centres a plan of this centre may activate: every other centre of its area."""
    return CommandCentre.objects.visible_to(Scope.under(centre.node)).exclude(pk=centre.pk)


def on_duty_at_unit(node_id: int, department_id: int | None, at: datetime) -> list[int]:
    """Who is on duty at a receiving unit at a moment, for events.duty: a department's, on its
    sub-centre's shifts; a level's, on the shifts kept on its node (its centre's own, or a
    grid's)."""
    shifts = Shift.objects.unscoped().filter(
        starts_at__lte=at, ends_at__gt=at, user__is_active=True
    )
    if department_id is not None:
        shifts = shifts.filter(
            centre__kind=CentreKind.DEPARTMENT, centre__department_id=department_id
        )
    else:
        shifts = shifts.filter(node_id=node_id)
    return list(shifts.values_list("user_id", flat=True).distinct())
