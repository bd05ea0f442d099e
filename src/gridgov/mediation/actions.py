"""Every write of dispute mediation: registration (from an investigation, an event, a
resident's request or a referral), the one action that moves a dispute through the table in
gridgov.mediation.workflow, sessions, the signed agreement's scan, and the audited reveal of a
party's personal data."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.core import crypto
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied, ProblemList
from gridgov.events.actions.intake import event_report
from gridgov.events.models import Event
from gridgov.events.selectors import event_get
from gridgov.fieldwork.actions import field_task_cancel, field_task_complete, field_task_create
from gridgov.fieldwork.models import FieldTask
from gridgov.fieldwork.selectors import field_task_get
from gridgov.fieldwork.workflow import OPEN_STATUSES as TASK_OPEN
from gridgov.jurisdiction.models import Level
from gridgov.jurisdiction.selectors import node_get
from gridgov.mediation.kinds import FOLLOW_UP_KIND
from gridgov.mediation.models import (
    FOLLOW_UP_DAYS,
    Dispute,
    DisputeStep,
    DisputeType,
    MediationDaily,
    MediatorKind,
    Party,
    PartyKind,
    PartySide,
    RiskLevel,
    Session,
    Source,
)
from gridgov.mediation.selectors import dispute_get, dispute_parties, party_get
from gridgov.mediation.workflow import (
    COMMAND_ROLES,
    REGISTER_ROLES,
    STATES,
    TRANSITIONS,
    Command,
    ReferralTarget,
    Status,
)
from gridgov.registry.actions import Sealed, pii_unmask, sealed_reveal
from gridgov.registry.selectors import organisation_get, person_get
from gridgov.registry.validation import phone_check, resident_id_check
from gridgov.whistle.actions import whistle_blow
from gridgov.whistle.models import Reason

if TYPE_CHECKING:
    from gridgov.accounts.models import User

logger = logging.getLogger(__name__)

PARTY_ID_NUMBER = "mediation.party.id_number"
PARTY_PHONE = "mediation.party.phone"
UNMASK_FIELDS = {"id_number": PARTY_ID_NUMBER, "phone": PARTY_PHONE}
UNMASK_ACTION = "mediation.unmask"
SUMMARY_MAX = 4000
SCAN_MAX_BYTES = 10 * 1024 * 1024
# The event class a neighbour-dispute event belongs to (邻里纠纷), and the type each of its
# subclasses converts into.
DISPUTE_EVENT_TYPES = {
    "0801": DisputeType.NEIGHBOUR,
    "0802": DisputeType.PROPERTY,
    "0803": DisputeType.FAMILY,
}
# The category a dispute's escalation is reported under: its own kind of event where the
# catalogue has one, otherwise a neighbour dispute of the kind "other".
ESCALATION_CATEGORY = {DisputeType.PROPERTY: "0802", DisputeType.FAMILY: "0803"}
ESCALATION_DEFAULT = ("0801", {"dispute_kind": "其他"})
RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


@dataclass(frozen=True)
class PartyIn:
    """A party as the form or the API gives it: a registry person or organisation by id, or a
    person entered by hand with an ID number and phone."""

    side: str
    kind: str = PartyKind.PERSON
    name: str = ""
    id_number: str = ""
    phone: str = ""
    person_id: int | None = None
    organisation_id: int | None = None


def _announce(number: str, step: str) -> None:
    logger.info("dispute %s: %s", number, step)


def _next_number(now: datetime) -> str:
    prefix = f"MD{timezone.localtime(now):%Y%m%d}"
    last = (
        Dispute.objects.unscoped()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:05d}"


def _party(actor: User, given: PartyIn, index: int, problems: ProblemList) -> Party | None:
    """The party, checked and sealed; None (with problems) when anything is wrong."""
    where: dict[str, Any] = {"field": "parties", "index": index}
    if given.side not in PartySide.values:
        problems.add("invalid_side", _("Choose the party's side."), **where)
    if given.kind == PartyKind.ORGANISATION:
        if given.organisation_id is not None:
            organisation = organisation_get(actor, given.organisation_id)
            return Party(
                kind=given.kind, side=given.side, organisation=organisation, name=organisation.name
            )
        if not given.name.strip():
            problems.add("required", _("Name the organisation."), **where)
            return None
        return Party(kind=given.kind, side=given.side, name=given.name.strip()[:128])
    if given.kind != PartyKind.PERSON:
        problems.add("invalid_kind", _("A party is a person or an organisation."), **where)
        return None
    if given.person_id is not None:
        person = person_get(actor, given.person_id)
        return Party(kind=given.kind, side=given.side, person=person, name=person.name)
    if not given.name.strip():
        problems.add("required", _("Give the party's name."), **where)
    own = ProblemList()
    sealed_id = crypto.EMPTY
    if given.id_number.strip():
        checked = resident_id_check(own, given.id_number.strip(), field="parties")
        if checked is not None:
            sealed_id = crypto.seal(checked.number, PARTY_ID_NUMBER)
    phone = phone_check(own, given.phone, field="parties")
    for problem in own.problems:
        problems.add(problem.code, problem.message, **where)
    if problems:
        return None
    return Party(
        kind=given.kind,
        side=given.side,
        name=given.name.strip()[:128],
        **sealed_id.columns("id_number"),
        **crypto.seal(phone, PARTY_PHONE).columns("phone"),
    )


def _amount(raw: object, problems: ProblemList) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 12:
        problems.add("invalid_amount", _("The amount is a sum of yuan, 0 or more."), field="amount")
        return None
    return amount.quantize(Decimal("0.01"))


def _step(
    dispute: Dispute, command: str, before: str, actor: User | None, at: datetime, note: str
) -> None:
    DisputeStep.objects.create(
        dispute=dispute,
        command=command,
        from_status=before,
        to_status=dispute.status,
        actor=actor,
        at=at,
        note=crypto.redact(note),
    )


@transaction.atomic
def dispute_register(
    *,
    actor: User,
    dispute_type: str,
    summary: str,
    grid_code: str,
    parties: list[PartyIn],
    risk_level: str,
    mediator_kind: str,
    mediator_name: str,
    source: str = Source.INVESTIGATION,
    address: str = "",
    amount: object = None,
    source_event: Event | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> Dispute:
    """Register a dispute in a grid of the actor's jurisdiction; every problem is reported at
    once and nothing is written when there is one."""
    if actor.role not in REGISTER_ROLES or not actor.is_active:
        raise PermissionDenied(_("Your role may not register disputes."), code="cannot_register")
    grid = node_get(actor, grid_code)
    problems = ProblemList()
    if grid.level != Level.GRID:
        problems.add("not_a_grid", _("Choose a grid."), field="grid")
    for value, choices, name in (
        (dispute_type, DisputeType, "dispute_type"),
        (source, Source, "source"),
        (risk_level, RiskLevel, "risk_level"),
        (mediator_kind, MediatorKind, "mediator_kind"),
    ):
        if value not in choices.values:
            problems.add("invalid_choice", _("Choose one of the list."), field=name, item=value)
    if not summary.strip():
        problems.add("required", _("Describe the dispute."), field="summary")
    elif len(summary) > SUMMARY_MAX:
        problems.add(
            "too_long",
            _("Keep the summary under %(n)d characters.") % {"n": SUMMARY_MAX},
            field="summary",
        )
    if not mediator_name.strip():
        problems.add("required", _("Name the mediator."), field="mediator_name")
    if len(address) > 255:
        problems.add("too_long", _("Keep the address under 255 characters."), field="address")
    checked_amount = _amount(amount, problems)
    if len(parties) < 2:
        problems.add("too_few_parties", _("A dispute has at least two parties."), field="parties")
    made = [_party(actor, given, index, problems) for index, given in enumerate(parties)]
    problems.raise_if_any(_("The dispute cannot be registered."))
    if lon is None or lat is None:
        inside = grid.geometry.representative_point()
        lon, lat = float(inside.x), float(inside.y)
    now = timezone.now()
    dispute = Dispute.objects.create(
        number=_next_number(now),
        dispute_type=dispute_type,
        source=source,
        source_event=source_event,
        summary=summary.strip(),
        grid=grid,
        address=address.strip(),
        lon=lon,
        lat=lat,
        amount=checked_amount,
        risk_level=risk_level,
        mediator_kind=mediator_kind,
        mediator_name=mediator_name.strip()[:64],
        registered_by=actor,
        registered_at=now,
    )
    kept = [party for party in made if party is not None]
    for party in kept:
        party.dispute = dispute
    Party.objects.bulk_create(kept)
    _step(dispute, "register", "", actor, now, "")
    audit_record(
        actor=actor,
        action="mediation.register",
        target=dispute,
        detail={
            "number": dispute.number,
            "source": source,
            "event": source_event.number if source_event else "",
            "parties": len(made),
        },
    )
    transaction.on_commit(partial(_announce, dispute.number, "register"))
    return dispute


@transaction.atomic
def dispute_from_event(
    *,
    actor: User,
    event_number: str,
    parties: list[PartyIn],
    risk_level: str,
    mediator_kind: str,
    mediator_name: str,
    amount: object = None,
) -> Dispute:
    """A neighbour-dispute event (邻里纠纷) becomes a dispute that keeps the link: the event's
    grid, place and description carry over; an event converts once."""
    event = event_get(actor, event_number)
    dispute_type = DISPUTE_EVENT_TYPES.get(event.category.code)
    if dispute_type is None:
        raise InvalidInput(
            _("Only a neighbour-dispute event converts into a dispute."), code="not_a_dispute"
        )
    # Lock the event so two conversions of it cannot both pass the check below.
    Event.objects.unscoped().select_for_update().filter(pk=event.pk).first()
    if Dispute.objects.unscoped().filter(source_event=event).exists():
        raise Conflict(_("This event is already a dispute."), code="already_converted")
    if event.grid is None:
        raise InvalidInput(_("The event lies in no grid."), code="no_grid")
    return dispute_register(
        actor=actor,
        dispute_type=dispute_type,
        summary=event.description,
        grid_code=event.grid.code,
        parties=parties,
        risk_level=risk_level,
        mediator_kind=mediator_kind,
        mediator_name=mediator_name,
        source=Source.EVENT,
        address=event.address,
        amount=amount,
        source_event=event,
        lon=event.lon,
        lat=event.lat,
    )


def _consents(
    dispute: Dispute, payload: dict[str, Any], problems: ProblemList, now: datetime
) -> None:
    """Every party must have consented to the agreement; their consent is stamped."""
    given = payload.get("consents") or []
    ids = {int(i) for i in given if str(i).isdigit()}
    parties = list(dispute_parties(dispute))
    missing = [p.name for p in parties if p.pk not in ids and p.consented_at is None]
    if missing:
        problems.add(
            "consent_missing",
            _("Record the consent of every party: %(names)s.") % {"names": "、".join(missing)},
            field="consents",
        )
        return
    Party.objects.unscoped().filter(dispute=dispute, consented_at__isnull=True).update(
        consented_at=now
    )


def _escalate(actor: User, dispute: Dispute, payload: dict[str, Any], note: str) -> dict[str, Any]:
    """Report the dispute to the command centre as an event through the events intake; at
    high risk (violence, a group incident) a subdistrict dispatcher also blows the whistle on
    that event, summoning the departments named."""
    if dispute.escalated_event_id is not None:
        raise Conflict(
            _("This dispute is already with the command centre."), code="already_escalated"
        )
    risk = str(payload.get("risk_level") or RiskLevel.HIGH)
    if risk not in RiskLevel.values:
        raise InvalidInput(_("Choose a risk level."), code="invalid_risk")
    risen = max(risk, dispute.risk_level, key=lambda r: RISK_ORDER[RiskLevel(r)])
    departments = _whistle_departments(actor, payload, risen)
    category, extra = ESCALATION_DEFAULT
    category = ESCALATION_CATEGORY.get(DisputeType(dispute.dispute_type), category)
    if category != ESCALATION_DEFAULT[0]:
        extra = {}
    description = gettext("Dispute %(number)s: the risk rose to %(risk)s. %(note)s") % {
        "number": dispute.number,
        "risk": RiskLevel(risk).label,
        "note": crypto.redact(note.strip()),
    }
    event = event_report(
        actor=actor,
        category_code=category,
        description=description.strip(),
        lon=dispute.lon,
        lat=dispute.lat,
        extra=extra,
        address=dispute.address,
    )
    if departments:
        whistle_blow(
            actor=actor,
            event_number=event.number,
            reason=str(payload.get("whistle_reason") or Reason.SEVERAL_DEPARTMENTS),
            department_codes=departments,
            note=gettext("Dispute %(number)s at high risk") % {"number": dispute.number},
        )
    return {"escalated_event": event, "risk_level": risen}


def _whistle_departments(actor: User, payload: dict[str, Any], risk: str) -> list[str]:
    """The departments a high-risk escalation summons by whistle (吹哨): a subdistrict
    dispatcher, who alone blows whistles, must name them; the other mediators escalate the
    event and leave the whistle to the dispatcher's event page."""
    given = payload.get("whistle_departments") or []
    codes = [str(c) for c in given] if isinstance(given, list) else []
    problems = ProblemList()
    if codes and risk != RiskLevel.HIGH:
        problems.add(
            "whistle_needs_high_risk",
            _("A whistle is blown only at high risk."),
            field="whistle_departments",
        )
    if not codes and risk == RiskLevel.HIGH and actor.role == Role.SUBDISTRICT_DISPATCHER:
        problems.add(
            "required",
            _("At high risk, name the departments the whistle summons."),
            field="whistle_departments",
        )
    problems.raise_if_any(_("The step cannot be taken."))
    return codes


def _effects(
    actor: User,
    dispute: Dispute,
    command: Command,
    payload: dict[str, Any],
    note: str,
    now: datetime,
) -> dict[str, Any]:
    """What a command changes besides status, stamp and version; raises on bad input."""
    problems = ProblemList()
    updates: dict[str, Any] = {}
    if command == Command.AGREE:
        terms = str(payload.get("terms") or "").strip()
        if not terms:
            problems.add("required", _("Write the terms of the agreement."), field="terms")
        _consents(dispute, payload, problems, now)
        updates = {
            "agreement_terms": terms,
            "follow_up_due_at": now
            + timedelta(days=int(payload.get("follow_up_days") or FOLLOW_UP_DAYS)),
        }
    elif command == Command.FOLLOW_UP:
        kept = payload.get("kept")
        if not isinstance(kept, bool):
            problems.add("required", _("Say whether the agreement is kept."), field="kept")
        updates = {"agreement_kept": kept}
    elif command == Command.REFER:
        target = str(payload.get("target") or "")
        if target not in ReferralTarget.values:
            problems.add(
                "invalid_choice", _("Choose where the dispute is referred."), field="target"
            )
        if not note.strip():
            problems.add("required", _("Give the reason for the referral."), field="note")
        updates = {"referral_target": target, "referral_reason": crypto.redact(note.strip())}
    problems.raise_if_any(_("The step cannot be taken."))
    if command == Command.ESCALATE:
        updates = _escalate(actor, dispute, payload, note)
    return updates


@transaction.atomic
def dispute_apply(
    *,
    actor: User,
    dispute_id: int,
    command: str,
    expected_version: int,
    note: str = "",
    payload: dict[str, Any] | None = None,
) -> Dispute:
    """The one action that moves a dispute: any (state, command) pair not in the table, or a
    stale version, is a conflict; the state's stamp, a step row and the audit row are written
    with the change."""
    dispute = dispute_get(actor, dispute_id)
    dispute = Dispute.objects.unscoped().select_for_update().get(pk=dispute.pk)
    if command not in Command.values:
        raise InvalidInput(_("No such step."), code="unknown_command")
    step = Command(command)
    if actor.role not in COMMAND_ROLES[step] or not actor.is_active:
        raise PermissionDenied(_("Your role may not take this step."), code="not_permitted")
    if dispute.version != expected_version:
        raise Conflict(
            _("Someone changed this dispute meanwhile; reload it."), code="stale_version"
        )
    before = Status(dispute.status)
    after = TRANSITIONS.get((before, step))
    if after is None:
        raise Conflict(
            _("A dispute that is %(status)s cannot take this step.") % {"status": before.label},
            code="invalid_transition",
        )
    now = timezone.now()
    updates = _effects(actor, dispute, step, payload or {}, note, now)
    updates["status"] = after
    if after != before:
        updates[STATES[after].stamp] = now
    updates["version"] = dispute.version + 1
    for name, value in updates.items():
        setattr(dispute, name, value)
    dispute.save(update_fields=list(updates))
    _step(dispute, step, before, actor, now, note)
    audit_record(
        actor=actor,
        action=f"mediation.{step}",
        target=dispute,
        detail={"number": dispute.number, "from": before, "to": after},
    )
    if step == Command.AGREE:
        _follow_up_schedule(dispute)
    elif step == Command.FOLLOW_UP:
        _follow_up_task_withdraw(dispute)
    transaction.on_commit(partial(_announce, dispute.number, step))
    return dispute


@transaction.atomic
def session_add(
    *,
    actor: User,
    dispute_id: int,
    held_at: datetime,
    place: str,
    participants: str,
    notes: str = "",
    attachment: Any = None,
) -> Session:
    """A mediation meeting, recorded while the dispute is being mediated."""
    dispute = dispute_get(actor, dispute_id)
    if actor.role not in COMMAND_ROLES[Command.MEDIATE]:
        raise PermissionDenied(_("Your role may not record sessions."), code="not_permitted")
    if dispute.status not in (Status.ACCEPTED, Status.MEDIATING):
        raise Conflict(
            _("Sessions are recorded while the dispute is mediated."), code="not_mediating"
        )
    problems = ProblemList()
    if timezone.is_naive(held_at):
        problems.add("naive_time", _("Give the time with its time zone."), field="held_at")
    elif held_at > timezone.now() + timedelta(minutes=5):
        problems.add("in_future", _("A session is recorded after it was held."), field="held_at")
    if not place.strip():
        problems.add("required", _("Say where it was held."), field="place")
    if not participants.strip():
        problems.add("required", _("Say who took part."), field="participants")
    content = _scan_checked(attachment, problems, "attachment") if attachment else None
    problems.raise_if_any(_("The session cannot be recorded."))
    session = Session(
        dispute=dispute,
        held_at=held_at,
        place=place.strip()[:128],
        participants=participants.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    if content is not None:
        session.attachment.save(content.name or "attachment", content, save=False)
    session.save()
    audit_record(
        actor=actor,
        action="mediation.session",
        target=dispute,
        detail={"number": dispute.number, "session": session.pk},
    )
    return session


_SCAN_KINDS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")


def _scan_checked(upload: Any, problems: ProblemList, name: str) -> ContentFile[bytes] | None:
    if upload is None:
        problems.add("required", _("Attach the file."), field=name)
        return None
    upload.seek(0)
    content = upload.read(SCAN_MAX_BYTES + 1)
    if len(content) > SCAN_MAX_BYTES:
        problems.add("too_large", _("A file is at most 10 MB."), field=name)
        return None
    if not content.startswith(_SCAN_KINDS):
        problems.add("file_type", _("Send a PDF, PNG or JPEG file."), field=name)
        return None
    return ContentFile(content, name=str(upload.name or name)[-100:])


@transaction.atomic
def agreement_scan_attach(*, actor: User, dispute_id: int, upload: Any) -> Dispute:
    """Keep the agreement as signed by the parties, scanned (a PDF, PNG or JPEG of at most
    10 MB; upload None when nothing was sent)."""
    dispute = dispute_get(actor, dispute_id)
    if actor.role not in COMMAND_ROLES[Command.AGREE]:
        raise PermissionDenied(_("Your role may not keep agreements."), code="not_permitted")
    if dispute.agreed_at is None:
        raise Conflict(_("There is no agreement yet."), code="no_agreement")
    problems = ProblemList()
    content = _scan_checked(upload, problems, "scan")
    if content is None:
        raise InvalidInput(_("The scan cannot be kept."), problems=problems.problems)
    dispute.signed_scan.save(f"{dispute.number}-signed{_suffix(content)}", content, save=False)
    Dispute.objects.unscoped().filter(pk=dispute.pk).update(signed_scan=dispute.signed_scan.name)
    audit_record(
        actor=actor,
        action="mediation.signed_scan",
        target=dispute,
        detail={"number": dispute.number},
    )
    return dispute


def _suffix(content: ContentFile[bytes]) -> str:
    head = content.read(4)
    content.seek(0)
    return {b"%PDF": ".pdf", b"\x89PNG": ".png"}.get(head, ".jpg")


@transaction.atomic
def party_unmask(*, actor: User, party_id: int, field: str, purpose: str) -> str:
    """A party's ID number or phone in full, for a stated purpose, audited and rate-limited
    with the registry's reveals; a party from the registry is revealed by the registry."""
    party = party_get(actor, party_id)
    if party.person_id is not None:
        return pii_unmask(actor=actor, person_id=party.person_id, field=field, purpose=purpose)
    return sealed_reveal(
        actor=actor,
        target=party.dispute,
        action=UNMASK_ACTION,
        field=field,
        purpose=purpose,
        sealed={
            name: Sealed(
                crypto_field,
                getattr(party, f"{name}_encrypted"),
                getattr(party, f"{name}_masked"),
            )
            for name, crypto_field in UNMASK_FIELDS.items()
        },
        detail={"party": party.pk},
    )


def _follow_up_key(dispute: Dispute) -> str:
    return f"{FOLLOW_UP_KIND}:{dispute.pk}"


def _follow_up_schedule(dispute: Dispute) -> FieldTask:
    """The follow-up visit (回访) as a field task for the dispute's grid, due when the
    agreement says; the table's own step, so the system assigns it, once per dispute."""
    names = "、".join(p.name for p in dispute_parties(dispute))
    return field_task_create(
        actor=None,
        kind=FOLLOW_UP_KIND,
        title=gettext("Follow-up visit: dispute %(number)s") % {"number": dispute.number},
        grid=dispute.grid,
        target_label=names[:200],
        due_at=dispute.follow_up_due_at,
        source_key=_follow_up_key(dispute),
        note=gettext("Visit the parties and record whether the agreement is kept."),
        payload={"dispute_id": dispute.pk},
    )


def _follow_up_task_withdraw(dispute: Dispute) -> None:
    """A follow-up recorded at the desk (by telephone) leaves no visit to make."""
    task = (
        FieldTask.objects.unscoped()
        .filter(source_key=_follow_up_key(dispute), status__in=TASK_OPEN)
        .first()
    )
    if task is not None:
        field_task_cancel(
            actor=None, task=task, reason=gettext("The follow-up was recorded at the desk.")
        )


@transaction.atomic
def follow_up_record(*, actor: User, task_id: int, kept: bool, note: str = "") -> Dispute:
    """The grid worker's follow-up visit, entered from the task list: the field task is
    completed with whether the agreement is kept, and the dispute takes the follow-up step."""
    task = field_task_get(actor, task_id)
    dispute_id = task.payload.get("dispute_id")
    if task.kind != FOLLOW_UP_KIND or not isinstance(dispute_id, int):
        raise InvalidInput(_("This task is no follow-up visit."), code="not_follow_up")
    dispute = dispute_get(actor, dispute_id)
    field_task_complete(actor=actor, task=task, result={"kept": kept}, note=note)
    return dispute_apply(
        actor=actor,
        dispute_id=dispute.pk,
        command=Command.FOLLOW_UP,
        expected_version=dispute.version,
        note=note,
        payload={"kept": kept},
    )


# The daily figures (ADR 0007). Each count belongs to the day of its step: a dispute registered
# on one day and concluded on another counts in `registered` on the first and in `concluded` on
# the second. Steps happen now, so rebuilding today and yesterday keeps the table true; a
# longer span is rebuilt on demand (the demo's year).

Key = tuple[int, str, str]


# The day each count belongs to: the step's stamp, and the counts it adds there.
_STAMPS = ("registered_at", "agreed_at", "not_agreed_at", "followed_up_at")


def _counted(stamp: str, d: dict[str, Any]) -> dict[str, int]:
    if stamp == "registered_at":
        return {"registered": 1}
    if stamp == "followed_up_at":
        return {"followed_up": 1, "kept": int(bool(d["agreement_kept"]))}
    seconds = int((d[stamp] - d["registered_at"]).total_seconds())
    return {"concluded": 1, "agreed": int(stamp == "agreed_at"), "conclude_seconds": seconds}


def _rows_of_days(first: date, last: date) -> dict[date, dict[Key, dict[str, int]]]:
    """Every count of the days first..last, one query per kind of step for the whole span."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    days: dict[date, dict[Key, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    fields = ("grid_id", "dispute_type", "mediator_name", "agreement_kept", *_STAMPS)
    for stamp in _STAMPS:
        span = {f"{stamp}__gte": start, f"{stamp}__lt": end}
        for d in Dispute.objects.unscoped().filter(**span).values(*fields):
            row = days[timezone.localdate(d[stamp])][
                (d["grid_id"], d["dispute_type"], d["mediator_name"])
            ]
            for name, value in _counted(stamp, d).items():
                row[name] += value
    return days


def figures_rebuild(days: Iterable[date]) -> int:
    """Recompute the days' rows, delete then insert, one transaction for all; idempotent."""
    wanted = sorted(set(days))
    if not wanted:
        return 0
    counted = _rows_of_days(wanted[0], wanted[-1])
    rows = [
        MediationDaily(day=day, grid_id=grid, dispute_type=kind, mediator_name=mediator, **counts)
        for day in wanted
        for (grid, kind, mediator), counts in counted.get(day, {}).items()
    ]
    with transaction.atomic():
        MediationDaily.objects.unscoped().filter(day__in=wanted).delete()
        MediationDaily.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@dataclass
class PastDispute:
    """A dispute already mediated elsewhere (a paper ledger, the demo's year), with its
    parties, sessions and steps, unsaved; `disputes_history_insert` writes them together."""

    dispute: Dispute
    parties: list[Party]
    sessions: list[Session]
    steps: list[DisputeStep]


@transaction.atomic
def disputes_history_insert(*, actor: User | None, past: list[PastDispute]) -> int:
    """Write past disputes in bulk, one audit row for all: a year of a district's ledger goes
    in in seconds instead of one audited action per step."""
    Dispute.objects.bulk_create([p.dispute for p in past], batch_size=1000)
    for p in past:
        for party in p.parties:
            party.dispute_id = p.dispute.pk
        for session in p.sessions:
            session.dispute_id = p.dispute.pk
        for step in p.steps:
            step.dispute_id = p.dispute.pk
    Party.objects.bulk_create([r for p in past for r in p.parties], batch_size=1000)
    Session.objects.bulk_create([r for p in past for r in p.sessions], batch_size=1000)
    DisputeStep.objects.bulk_create([r for p in past for r in p.steps], batch_size=1000)
    audit_record(actor=actor, action="mediation.history_insert", detail={"disputes": len(past)})
    return len(past)
