"""Duty rosters (值班): shifts per centre or grid, the month's roster saved at once with a
warning for every stretch left with nobody on duty, and swaps that the centre approves.

A shift's kind follows the working calendar (gridgov.worktime): a day on which the calendar
has no work is a holiday shift whatever its hours. Nobody is rostered on a day of leave that
field work recorded (fieldwork.Leave), so the two never disagree on who is at work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.audit.actions import audit_record
from gridgov.command.actions.common import SENDERS, require_member
from gridgov.command.models import CommandCentre, Shift, ShiftKind, ShiftSwap, SwapStatus
from gridgov.command.selectors import Gap, roster_gaps
from gridgov.core.errors import Conflict, InvalidInput, Problem, ProblemList
from gridgov.core.scope import Scope
from gridgov.fieldwork.actions.figures import leave_days_of
from gridgov.jurisdiction.models import Level, Node
from gridgov.worktime.calendar import is_working_day

DAY_STARTS = time(8, 0)
NIGHT_STARTS = time(20, 0)


@dataclass(frozen=True)
class ShiftIn:
    user_id: int
    starts_at: datetime
    ends_at: datetime
    grid: str = ""


def shift_kind(starts_at: datetime) -> ShiftKind:
    local = timezone.localtime(starts_at)
    if not is_working_day(local.date()):
        return ShiftKind.HOLIDAY
    return ShiftKind.DAY if DAY_STARTS <= local.time() < NIGHT_STARTS else ShiftKind.NIGHT


def day_and_night(day: date) -> tuple[tuple[datetime, datetime], tuple[datetime, datetime]]:
    """The two standard shifts of a day, 08:00–20:00 and 20:00–08:00 next morning, local."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, DAY_STARTS, tzinfo=zone)
    evening = datetime.combine(day, NIGHT_STARTS, tzinfo=zone)
    return (start, evening), (evening, start + timedelta(days=1))


@transaction.atomic
def roster_save(
    *,
    actor: User,
    centre: CommandCentre,
    start: datetime,
    end: datetime,
    shifts: list[ShiftIn],
    accept_gaps: bool = False,
) -> tuple[list[Shift], list[Gap]]:
    """Replace the centre's shifts in [start, end) with `shifts` (the centre's own, or its
    grids' with `grid`). Where a unit would have nobody on duty the save is refused with the
    gaps, unless `accept_gaps` says the sender saw them; the gaps are returned either way."""
    require_member(actor, centre)
    area = Scope.under(centre.node)
    problems = ProblemList()
    if end <= start or end - start > timedelta(days=62):
        problems.add("bad_period", _("A roster covers up to two months."), field="end")
    people = set(
        User.objects.visible_to(area)
        .filter(pk__in={s.user_id for s in shifts}, is_active=True)
        .values_list("pk", flat=True)
    )
    leave = leave_days_of(
        list(people), timezone.localdate(start), timezone.localdate(end - timedelta(seconds=1))
    )
    grids = {
        n.code: n
        for n in Node.objects.visible_to(area).filter(
            code__in={s.grid for s in shifts if s.grid}, level=Level.GRID
        )
    }
    for index, s in enumerate(shifts):
        if s.user_id not in people:
            problems.add(
                "outside_area",
                _("The person is not staff of the centre's area."),
                field="shifts",
                index=index,
            )
        elif timezone.localdate(s.starts_at) in leave.get(s.user_id, ()):
            problems.add(
                "on_leave",
                _("The person is on leave that day (field work's leave)."),
                field="shifts",
                index=index,
            )
        if s.grid and s.grid not in grids:
            problems.add(
                "outside_area",
                _("The grid is outside the centre's area."),
                field="shifts",
                index=index,
            )
        if s.ends_at <= s.starts_at or not (start <= s.starts_at < end):
            problems.add(
                "bad_shift",
                _("A shift ends after it starts, in the period."),
                field="shifts",
                index=index,
            )
    problems.raise_if_any(_("The roster cannot be saved."))
    gaps = roster_gaps(
        [(s.grid or centre.name, s.starts_at, s.ends_at) for s in shifts]
        or [(centre.name, start, start)],
        start,
        end,
    )
    if gaps and not accept_gaps:
        raise InvalidInput(
            _("The roster leaves units with nobody on duty; save again to accept the gaps."),
            code="roster_gaps",
            problems=[
                Problem(
                    code="gap",
                    message=_("%(unit)s: nobody on duty %(start)s – %(end)s")
                    % {
                        "unit": gap.unit,
                        "start": timezone.localtime(gap.start).strftime("%m-%d %H:%M"),
                        "end": timezone.localtime(gap.end).strftime("%m-%d %H:%M"),
                    },
                    field="shifts",
                )
                for gap in gaps
            ],
        )
    Shift.objects.visible_to(area).filter(
        centre=centre, starts_at__gte=start, starts_at__lt=end
    ).delete()
    saved = Shift.objects.bulk_create(
        [
            Shift(
                node=grids[s.grid] if s.grid else centre.node,
                centre=centre,
                user_id=s.user_id,
                kind=shift_kind(s.starts_at),
                starts_at=s.starts_at,
                ends_at=s.ends_at,
            )
            for s in shifts
        ]
    )
    audit_record(
        actor=actor,
        action="command.roster_save",
        target=centre,
        detail={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "shifts": len(saved),
            "gaps": len(gaps),
        },
    )
    return saved, gaps


@transaction.atomic
def swap_request(*, actor: User, shift: Shift, to_user: User) -> ShiftSwap:
    """The one on duty asks that another take the shift; the centre approves."""
    problems = ProblemList()
    if shift.user_id != actor.pk:
        problems.add("not_yours", _("Only the one on duty asks to swap a shift."), field="shift")
    if shift.starts_at <= timezone.now():
        problems.add("started", _("The shift has started."), field="shift")
    unit = shift.centre.node if shift.centre else shift.node
    if (
        not User.objects.visible_to(Scope.under(unit))
        .filter(pk=to_user.pk, is_active=True)
        .exists()
    ):
        problems.add("outside_area", _("The person is not staff of the unit."), field="to_user")
    problems.raise_if_any(_("The swap cannot be asked for."))
    swap = ShiftSwap.objects.create(shift=shift, requested_by=actor, to_user=to_user)
    audit_record(actor=actor, action="command.swap_request", target=swap, detail={"to": to_user.pk})
    return swap


@transaction.atomic
def swap_decide(*, actor: User, swap: ShiftSwap, approve: bool) -> ShiftSwap:
    centre = swap.shift.centre
    if centre is None:
        raise Conflict(_("The shift has no centre to approve it."), code="no_centre")
    require_member(actor, centre, SENDERS)
    decided = ShiftSwap.objects.visible_to(Scope.under(centre.node)).filter(
        pk=swap.pk, status=SwapStatus.REQUESTED
    )
    status = SwapStatus.APPROVED if approve else SwapStatus.REFUSED
    now = timezone.now()
    if not decided.update(status=status, decided_by=actor, decided_at=now):
        raise Conflict(_("The swap was decided already."), code="swap_decided")
    if approve:
        Shift.objects.visible_to(Scope.under(centre.node)).filter(pk=swap.shift_id).update(
            user=swap.to_user_id
        )
    swap.refresh_from_db()
    audit_record(actor=actor, action="command.swap_decide", target=swap, detail={"status": status})
    return swap
