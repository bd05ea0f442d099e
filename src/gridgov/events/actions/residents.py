"""A resident's report and their word on it afterwards: they have no account."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.crypto import mask_phone
from gridgov.core.errors import Conflict, InvalidInput, ProblemList
from gridgov.events import notices
from gridgov.events.actions.intake import (
    CALLER_NAME_MAX,
    KEY_MAX,
    _file_once,
    _Intake,
    _phone_digits,
    canonical_sha256,
    mask_name,
)
from gridgov.events.actions.loop import _advance, _score_fits
from gridgov.events.models import Channel, Event
from gridgov.events.photos import Upload
from gridgov.events.workflow import TRANSITIONS, Command, Status
from gridgov.jurisdiction.models import Node

RESIDENT_CHANNELS = frozenset({Channel.SNAP_REPORT, Channel.API})
DEFAULT_REOPEN_DAYS = 7
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&[a-zA-Z]+;|&#[0-9]+;")


def reopen_days() -> int:
    return int(getattr(settings, "RESIDENT_REOPEN_DAYS", DEFAULT_REOPEN_DAYS))


@transaction.atomic
def event_resident_report(
    *,
    within: Node,
    channel: str,
    source_system: str,
    idempotency_key: str,
    category_code: str,
    description: str,
    lon: float,
    lat: float,
    extra: dict[str, Any] | None = None,
    address: str = "",
    photos: list[Upload] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> tuple[Event, bool]:
    """A report by a resident, who has no account: through the residents' page or an Open311
    client. As for a hotline call only the masked name and phone are kept, and the last four
    digits let the resident follow the report. The key makes a form sent twice, or a client's
    retry, the same event (created is False)."""
    problems = ProblemList()
    if channel not in RESIDENT_CHANNELS:
        problems.add("unknown_channel", _("No such channel."), field="channel", item=channel)
    if _MARKUP.search(description):
        problems.add(
            "markup",
            _("Write the description as plain text, without HTML tags or entities."),
            field="description",
        )
    if len(contact_name.strip()) > CALLER_NAME_MAX:
        problems.add("too_long", _("The name is too long."), field="contact_name")
    digits = _phone_digits(contact_phone, problems, "contact_phone")
    source_system, idempotency_key = source_system.strip(), idempotency_key.strip()
    if not source_system or not idempotency_key or len(idempotency_key) > KEY_MAX:
        problems.add("required", _("Send the form again."), field="idempotency_key")
    digest = canonical_sha256(
        {
            "category": category_code,
            "description": description,
            "lon": lon,
            "lat": lat,
            "extra": extra or {},
            "address": address,
        }
    )
    intake = _Intake(category_code, description, lon, lat, "wgs84", extra, address, photos or [])
    event, created = _file_once(
        None,
        intake,
        channel,
        problems,
        source_system=source_system,
        idempotency_key=idempotency_key,
        digest=digest,
        within=within,
        caller_name_masked=mask_name(contact_name),
        caller_phone_masked=mask_phone(digits) if digits else "",
        caller_phone_last4=digits[-4:],
    )
    if created and digits:
        notices.resident_follows(event, digits)
    return event, created


RESIDENT_COMMANDS = frozenset({Command.EVALUATE, Command.REOPEN})


@transaction.atomic
def event_resident_apply(
    *, event_id: int, command: str, score: int | None = None, reason: str = ""
) -> Event:
    """A resident's word on their own closed report: a rating, or a complaint that reopens it
    within RESIDENT_REOPEN_DAYS of closure. The caller (gridgov.residents.actions) has matched
    the number and the phone; the loop's rules are checked here."""
    event = Event.objects.select_for_update().get(pk=event_id)
    if command not in RESIDENT_COMMANDS:
        raise InvalidInput(
            _("Unknown command %(command)s.") % {"command": command}, code="unknown_command"
        )
    cmd = Command(command)
    if (Status(event.status), cmd) not in TRANSITIONS:
        message = (
            _("The report can be rated once, after it was closed.")
            if cmd == Command.EVALUATE
            else _("Only a closed report can be reopened.")
        )
        raise Conflict(message, code="command_not_allowed")
    problems = ProblemList()
    updates: dict[str, Any] = {}
    payload: dict[str, Any] = {"by": "resident"}
    if cmd == Command.EVALUATE:
        if _score_fits(score, problems, "score"):
            updates["rating"] = payload["score"] = score
    else:
        if not reason.strip():
            problems.add("required", _("Say what is still wrong."), field="reason")
        closed = event.closed_at
        if closed is None or timezone.now() > closed + timedelta(days=reopen_days()):
            raise Conflict(
                _("A report can be reopened within %(n)d days of its closure.")
                % {"n": reopen_days()},
                code="reopen_period_over",
            )
    problems.raise_if_any(_("The command cannot be applied."))
    return _advance(
        event,
        cmd,
        actor=None,
        note="",
        reason=reason,
        payload=payload,
        updates=updates,
        photos=[],
        audit_detail={"by": "resident"},
    )
