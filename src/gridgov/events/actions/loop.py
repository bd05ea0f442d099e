"""Moving an event along the loop.

event_apply is the only code that changes an event's status. It locks the
row, checks scope, role, the transition table and the version the caller
saw, then bumps the version with a conditional UPDATE, so two writers that
saw the same version cannot both succeed even where row locks do nothing
(SQLite).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.audit.actions import audit_record
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    ProblemList,
)
from gridgov.events import notices
from gridgov.events.actions.attachments import _store_photos
from gridgov.events.actions.clocks import _extend_handle_clock, _move_clocks
from gridgov.events.actions.dispatch import _dispatch
from gridgov.events.actions.extensions import (
    _approve_extension,
    _reject_extension,
    _request_extension,
)
from gridgov.events.actions.step import _Step
from gridgov.events.actions.supervision import _escalate, _merge, _supervise
from gridgov.events.models import Event, EventTransition
from gridgov.events.photos import Photo, Upload, photos_checked
from gridgov.events.selectors import events_visible
from gridgov.events.workflow import (
    COMMAND_ROLES,
    STATES,
    TRANSITIONS,
    Command,
    Status,
    command_permitted,
    commands_open,
    may_escalate,
)
from gridgov.jurisdiction.selectors import scope_root

logger = logging.getLogger(__name__)


def _announce(number: str, command: str, status: str) -> None:
    logger.info("event %s: %s → %s", number, command, status)


REASON_REQUIRED = frozenset(
    {
        Command.REJECT,
        Command.RETURN,
        Command.REWORK,
        Command.REQUEST_EXTENSION,
        Command.REJECT_EXTENSION,
        Command.SUSPEND,
        Command.CANCEL,
        Command.REOPEN,
        Command.ESCALATE,
        Command.SUPERVISE,
    }
)
NOTE_REQUIRED = frozenset({Command.HANDLE, Command.SELF_HANDLE})


def _register(step: _Step) -> None:
    step.updates["owner"] = scope_root(step.actor)


def _return(step: _Step) -> None:
    step.updates["assigned_department"] = None


def _rework(step: _Step) -> None:
    step.updates["rework_count"] = F("rework_count") + 1


def _photos(step: _Step) -> None:
    photos = step.payload.get("photos", [])
    if not isinstance(photos, list) or not all(isinstance(p, str) for p in photos):
        step.problems.add(
            "bad_photos", _("Photos are a list of references."), field="payload.photos"
        )


def _score_fits(score: Any, problems: ProblemList, field: str) -> bool:
    """A rating is a whole number from 1 to 5 (True is no score, though Python counts it 1)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        problems.add("bad_score", _("The score is 1 to 5."), field=field)
        return False
    return True


def _evaluate(step: _Step) -> None:
    score = step.payload.get("score")
    if _score_fits(score, step.problems, "payload.score"):
        step.updates["rating"] = score


EFFECTS: dict[Command, Callable[[_Step], None]] = {
    Command.MERGE: _merge,
    Command.ESCALATE: _escalate,
    Command.SUPERVISE: _supervise,
    Command.REGISTER: _register,
    Command.DISPATCH: _dispatch,
    Command.RETURN: _return,
    Command.REWORK: _rework,
    Command.HANDLE: _photos,
    Command.SELF_HANDLE: _photos,
    Command.EVALUATE: _evaluate,
    Command.REQUEST_EXTENSION: _request_extension,
    Command.APPROVE_EXTENSION: _approve_extension,
    Command.REJECT_EXTENSION: _reject_extension,
}


def _conflict_not_allowed(event: Event, command: Command) -> Conflict:
    allowed = commands_open(event)
    names = ", ".join(str(Command(c).label) for c in allowed) or str(_("none"))
    return Conflict(
        _("“%(command)s” is not possible while the event is %(status)s; possible now: %(allowed)s.")
        % {"command": command.label, "status": event.get_status_display(), "allowed": names},
        code="command_not_allowed",
        problems=[
            Problem("allowed_command", Command(c).label, field="command", item=c) for c in allowed
        ],
    )


def _forbidden(actor: User, event: Event, command: Command) -> PermissionDenied:
    """Why command_permitted said no, when the role alone does not say it."""
    if command == Command.ESCALATE and actor.role in COMMAND_ROLES[command]:
        if not may_escalate(actor, event):
            return PermissionDenied(
                _("Only the level that owns the event, or one above it, may escalate it."),
                code="not_owner",
            )
    return PermissionDenied(
        _("Your role may not give the command “%(command)s” on this event.")
        % {"command": command.label},
        code="command_forbidden",
    )


@transaction.atomic
def event_apply(
    *,
    actor: User,
    event_id: int,
    command: str,
    expected_version: int,
    note: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
    photos: list[Upload] | None = None,
) -> Event:
    """Move an event one step along the loop; the only writer of Event.status. Photos
    (before/after the work) hang on the step that brought them."""
    if not events_visible(actor).filter(pk=event_id).exists():
        raise NotFound(_("No such event."), code="event_not_found")
    # Locked by primary key alone, with no joins: PostgreSQL re-checks a row another writer
    # changed, and a locking query over the scope's joins lost the row instead of waiting.
    event = Event.objects.select_for_update().get(pk=event_id)
    if command not in Command.values:
        raise InvalidInput(
            _("Unknown command %(command)s.") % {"command": command}, code="unknown_command"
        )
    cmd = Command(command)
    if not command_permitted(actor, event, cmd):
        raise _forbidden(actor, event, cmd)
    if cmd not in commands_open(event):
        raise _conflict_not_allowed(event, cmd)
    if expected_version != event.version:
        raise Conflict(
            _("The event changed since you read it (now version %(version)d); reload it.")
            % {"version": event.version},
            code="stale_version",
        )
    step = _Step(actor=actor, event=event, payload=payload or {})
    if cmd in REASON_REQUIRED and not reason.strip():
        step.problems.add("required", _("Give a reason."), field="reason")
    if cmd in NOTE_REQUIRED and not note.strip():
        step.problems.add("required", _("Describe what was done."), field="note")
    if not isinstance(step.payload, dict):
        step.problems.add("bad_payload", _("The payload is an object."), field="payload")
    else:
        effect = EFFECTS.get(cmd)
        if effect is not None:
            effect(step)
    checked = photos_checked(photos or [], step.problems)
    step.problems.raise_if_any(_("The command cannot be applied."))
    return _advance(
        event,
        cmd,
        actor=actor,
        note=note,
        reason=reason,
        payload=step.payload,
        updates=step.updates,
        photos=checked,
        extend_by=step.extend_by,
    )


def _advance(
    event: Event,
    cmd: Command,
    *,
    actor: User | None,
    note: str,
    reason: str,
    payload: dict[str, Any],
    updates: dict[str, Any],
    photos: list[Photo],
    extend_by: int | None = None,
    audit_detail: dict[str, Any] | None = None,
) -> Event:
    """Write one checked step: status, stamp and version, the timeline row, photos, clocks,
    audit. The version the event was read at guards the update, as in event_apply."""
    before = Status(event.status)
    after = TRANSITIONS[before, cmd]
    now = timezone.now()
    # A command that leaves the state (escalate, supervise) is no new entry into it.
    stamp = {STATES[after].stamp: now} if after != before else {}
    changed = Event.objects.filter(pk=event.pk, version=event.version).update(
        status=after, version=event.version + 1, **stamp, **updates
    )
    if changed != 1:
        raise Conflict(_("The event changed since you read it; reload it."), code="stale_version")
    event.refresh_from_db()
    transition = EventTransition.objects.create(
        event=event,
        from_status=before,
        to_status=after,
        command=cmd,
        actor=actor,
        at=now,
        note=note.strip(),
        reason=reason.strip(),
        payload=payload,
    )
    _store_photos(event, photos, actor, now, transition)
    _move_clocks(event, cmd, before, after, now)
    if extend_by:
        _extend_handle_clock(event, extend_by)
    audit_record(
        actor=actor,
        action=f"events.{cmd}",
        target=event,
        detail={
            "number": event.number,
            "from": before,
            "to": after,
            "version": event.version,
            "photos": len(photos),
            **(audit_detail or {}),
        },
    )
    notices.after_step(event, cmd)
    transaction.on_commit(partial(_announce, event.number, cmd, after))
    return event
