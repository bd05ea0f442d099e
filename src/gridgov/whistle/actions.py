"""Every write of whistle-and-report.

A whistle also moves the event through the loop's own public action,
gridgov.events.actions.loop.event_apply: blowing it makes the subdistrict the
event's addressee (it leads the co-handling, and the handle clock runs
instead of the dispatch clock), and verifying the last department's part
reports the event handled. Steps the loop cannot take from the event's
state (a case already dispatched to one department, suspended, handled)
are left to the loop; the whistle's own log records every step either way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, Problem, ProblemList
from gridgov.events.actions.dispatch import dispatch_departments
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Event
from gridgov.events.selectors import event_get
from gridgov.events.workflow import (
    OPEN_STATUSES,
    Command,
    Status,
    command_permitted,
    commands_to,
)
from gridgov.jurisdiction.selectors import scope_root
from gridgov.whistle import notices
from gridgov.whistle.models import (
    DEFAULT_REPORT_MINUTES,
    Reason,
    Step,
    Summons,
    Whistle,
    WhistleLog,
)
from gridgov.whistle.selectors import summons_get
from gridgov.worktime.calendar import deadline

if TYPE_CHECKING:
    from gridgov.accounts.models import User

logger = logging.getLogger(__name__)

# The loop's steps that make the whistling subdistrict the event's addressee.
TAKE_OVER: dict[str, list[Command]] = {
    status: commands_to(
        status, Status.ACCEPTED, along=(Command.REGISTER, Command.DISPATCH, Command.ACCEPT)
    )
    for status in Status
}

MAX_LIMIT_MINUTES = 7 * 24 * 60


def _log(whistle: Whistle, step: str, actor: User | None, at: datetime, **extra: object) -> None:
    WhistleLog.objects.create(
        whistle=whistle, event_id=whistle.event_id, step=step, actor=actor, at=at, **extra
    )


def _announce(whistle_id: int, step: str) -> None:
    logger.info("whistle %s: %s", whistle_id, step)


def _walk(actor: User, event: Event, commands: Sequence[Command], note: str) -> Event:
    """Apply the commands in turn while the actor may give each; stop at the first refused."""
    for command in commands:
        if not command_permitted(actor, event, command):
            break
        payload = {"node": scope_root(actor).code} if command == Command.DISPATCH else None
        event = event_apply(
            actor=actor,
            event_id=event.pk,
            command=command,
            expected_version=event.version,
            note=note,
            payload=payload,
        )
    return event


def _require_dispatcher(actor: User) -> None:
    if actor.role != Role.SUBDISTRICT_DISPATCHER or not actor.is_active:
        raise PermissionDenied(
            _("Only a subdistrict dispatcher may do this."), code="not_subdistrict_dispatcher"
        )


def _check_limits(
    limits: Mapping[str, object], codes: Sequence[str], problems: ProblemList
) -> dict[str, int]:
    checked: dict[str, int] = {}
    for code, minutes in limits.items():
        if code not in codes:
            problems.add(
                "limit_not_summoned",
                _("A time limit is given for a department that is not summoned."),
                field="limits",
                item=str(code),
            )
        elif (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not 1 <= minutes <= MAX_LIMIT_MINUTES
        ):
            problems.add(
                "bad_limit",
                _("A time limit is a whole number of minutes from 1 to %(max)d.")
                % {"max": MAX_LIMIT_MINUTES},
                field="limits",
                item=str(code),
            )
        else:
            checked[code] = minutes
    return checked


@transaction.atomic
def whistle_blow(
    *,
    actor: User,
    event_number: str,
    reason: str,
    department_codes: Sequence[str],
    note: str = "",
    limits: Mapping[str, object] | None = None,
) -> Whistle:
    """Summon departments to an event of the dispatcher's subdistrict; each must report within
    its limit (30 working minutes unless given), counted from now."""
    _require_dispatcher(actor)
    event = event_get(actor, event_number)
    event = Event.objects.select_for_update().select_related("category", "node").get(pk=event.pk)
    if event.status not in OPEN_STATUSES:
        raise Conflict(
            _("The event is %(status)s; a whistle is blown only on an open event.")
            % {"status": event.get_status_display()},
            code="event_not_open",
        )
    if Whistle.objects.filter(event=event, closed_at__isnull=True).exists():
        raise Conflict(_("A whistle is already open on this event."), code="whistle_open")
    problems = ProblemList()
    if reason not in Reason.values:
        problems.add("unknown_reason", _("Choose a listed reason."), field="reason", item=reason)
    codes = list(department_codes)
    if not codes:
        problems.add("required", _("Summon at least one department."), field="department_codes")
    targets = dispatch_departments(actor, event).in_bulk(codes, field_name="code")
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            problems.add(
                "duplicate_department",
                _("The department is named twice."),
                field="department_codes",
                index=index,
                item=code,
            )
        elif code not in targets:
            problems.add(
                "unknown_department",
                _("No such department serving the event's place or your jurisdiction."),
                field="department_codes",
                index=index,
                item=code,
            )
        seen.add(code)
    checked_limits = _check_limits(limits or {}, codes, problems)
    problems.raise_if_any(_("The whistle cannot be blown."))

    now = timezone.now()
    natural = event.category.natural_time
    try:
        with transaction.atomic():
            whistle = Whistle.objects.create(
                event=event,
                reason=reason,
                note=note.strip(),
                node=scope_root(actor),
                blown_by=actor,
                blown_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(_("A whistle is already open on this event."), code="whistle_open") from exc
    for code in codes:
        minutes = checked_limits.get(code, DEFAULT_REPORT_MINUTES)
        Summons.objects.create(
            whistle=whistle,
            department=targets[code],
            limit_minutes=minutes,
            report_due_at=deadline(now, minutes, natural=natural),
        )
    _log(whistle, Step.BLOW, actor, now, note=", ".join(targets[c].name for c in codes))
    notices.summoned(whistle)
    _walk(
        actor,
        event,
        TAKE_OVER[event.status],
        str(_("Whistle blown: %(reason)s") % {"reason": whistle.get_reason_display()}),
    )
    audit_record(
        actor=actor,
        action="whistle.blow",
        target=whistle,
        detail={"event": event.number, "reason": reason, "departments": codes},
    )
    transaction.on_commit(partial(_announce, whistle.pk, Step.BLOW))
    return whistle


def _locked(actor: User, summons_id: int) -> Summons:
    """The visible summons, re-read under a row lock."""
    summons_get(actor, summons_id)
    return (
        Summons.objects.select_for_update()
        .select_related("whistle__event", "department")
        .get(pk=summons_id)
    )


def _require_open(summons: Summons) -> None:
    if summons.whistle.closed_at is not None:
        raise Conflict(_("The whistle is closed."), code="whistle_closed")


def _require_department(actor: User, summons: Summons) -> None:
    if actor.role != Role.DEPARTMENT_HANDLER or actor.department_id != summons.department_id:
        raise PermissionDenied(
            _("Only a handler of the summoned department may do this."), code="not_summoned"
        )


def _record(actor: User, summons: Summons, step: str, at: datetime, note: str = "") -> None:
    _log(summons.whistle, step, actor, at, summons=summons, note=note)
    audit_record(
        actor=actor,
        action=f"whistle.{step}",
        target=summons,
        detail={"whistle": summons.whistle_id, "department": summons.department.code},
    )
    transaction.on_commit(partial(_announce, summons.whistle_id, step))


@transaction.atomic
def summons_report(*, actor: User, summons_id: int) -> Summons:
    """The department reports (报到); a late report is still taken, and shows as late."""
    summons = _locked(actor, summons_id)
    _require_department(actor, summons)
    _require_open(summons)
    if summons.reported_at is not None:
        raise Conflict(_("The department has already reported."), code="already_reported")
    now = timezone.now()
    summons.reported_at, summons.reported_by = now, actor
    summons.save(update_fields=["reported_at", "reported_by"])
    _record(actor, summons, Step.REPORT, now)
    return summons


@transaction.atomic
def summons_part_done(*, actor: User, summons_id: int, description: str) -> Summons:
    summons = _locked(actor, summons_id)
    _require_department(actor, summons)
    _require_open(summons)
    if summons.reported_at is None:
        raise Conflict(_("Report first, then report the part done."), code="not_reported")
    if summons.part_done_at is not None:
        raise Conflict(_("The part is already reported done."), code="part_already_done")
    if not description.strip():
        raise InvalidInput(
            _("The part cannot be reported done."),
            problems=[
                Problem("required", _("Describe what the department did."), field="description")
            ],
        )
    now = timezone.now()
    summons.part_done_at, summons.part_description = now, description.strip()
    summons.save(update_fields=["part_done_at", "part_description"])
    _record(actor, summons, Step.PART_DONE, now, note=summons.part_description)
    return summons


@transaction.atomic
def summons_part_verify(*, actor: User, summons_id: int) -> Summons:
    """The subdistrict verifies one part; the last part verified closes the whistle and
    reports the event handled when the loop allows the subdistrict to."""
    summons = _locked(actor, summons_id)
    _require_dispatcher(actor)
    _require_open(summons)
    if summons.part_done_at is None:
        raise Conflict(_("The part is not reported done yet."), code="part_not_done")
    if summons.part_verified_at is not None:
        raise Conflict(_("The part is already verified."), code="part_already_verified")
    now = timezone.now()
    summons.part_verified_at, summons.verified_by = now, actor
    summons.save(update_fields=["part_verified_at", "verified_by"])
    _record(actor, summons, Step.VERIFY, now)
    whistle = summons.whistle
    if not Summons.objects.filter(whistle=whistle, part_verified_at__isnull=True).exists():
        _close(actor, whistle, now)
    return summons


def _close(actor: User, whistle: Whistle, now: datetime) -> None:
    Whistle.objects.filter(pk=whistle.pk).update(closed_at=now)
    whistle.closed_at = now
    parts = Summons.objects.filter(whistle=whistle).select_related("department")
    note = "\n".join(f"{s.department.name}: {s.part_description}" for s in parts)
    event = Event.objects.select_related("category").get(pk=whistle.event_id)
    if event.status == Status.ACCEPTED:
        _walk(actor, event, [Command.HANDLE], note)
    _log(whistle, Step.CLOSE, actor, now)
    audit_record(actor=actor, action="whistle.close", target=whistle)


@transaction.atomic
def summons_rate(*, actor: User, summons_id: int, rating: int, comment: str = "") -> Summons:
    """The subdistrict rates a department's response, once it has reported; the whistle may
    be closed by then."""
    summons = _locked(actor, summons_id)
    _require_dispatcher(actor)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(
            _("The rating is 1 to 5."),
            problems=[
                Problem("bad_rating", _("The rating is 1 to 5."), field="rating", item=str(rating))
            ],
        )
    if summons.reported_at is None:
        raise Conflict(_("The department has not reported yet."), code="not_reported")
    if summons.rating is not None:
        raise Conflict(_("The response is already rated."), code="already_rated")
    now = timezone.now()
    summons.rating, summons.rating_comment = rating, comment.strip()
    summons.rated_by, summons.rated_at = actor, now
    summons.save(update_fields=["rating", "rating_comment", "rated_by", "rated_at"])
    _record(actor, summons, Step.RATE, now, note=f"{rating}: {summons.rating_comment}")
    return summons


def whistle_sweep(now: datetime | None = None) -> list[int]:
    """Escalate every report overdue on an open whistle to the district, once each; returns
    the summons escalated by this run."""
    now = now or timezone.now()
    overdue = Summons.objects.filter(
        reported_at__isnull=True,
        escalated_at__isnull=True,
        report_due_at__lt=now,
        whistle__closed_at__isnull=True,
    ).values_list("pk", flat=True)
    escalated = []
    for pk in list(overdue):
        if _escalate(pk, now):
            escalated.append(pk)
    return escalated


@transaction.atomic
def _escalate(summons_id: int, now: datetime) -> bool:
    changed = Summons.objects.filter(
        pk=summons_id, escalated_at__isnull=True, reported_at__isnull=True
    ).update(escalated_at=now)
    if not changed:
        return False
    summons = Summons.objects.select_related("whistle__node__parent", "department").get(
        pk=summons_id
    )
    district = summons.whistle.node.parent
    _log(
        summons.whistle,
        Step.ESCALATE,
        None,
        now,
        summons=summons,
        note=district.code if district else "",
    )
    audit_record(
        actor=None,
        action="whistle.escalate",
        target=summons,
        detail={
            "whistle": summons.whistle_id,
            "department": summons.department.code,
            "district": district.code if district else "",
        },
    )
    transaction.on_commit(partial(_announce, summons.whistle_id, Step.ESCALATE))
    return True
