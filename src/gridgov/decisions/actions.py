"""Every write of major decisions and their stability risk assessments.

`_transition` and `_assessment_transition` are the only writers of a status: each checks the
pair against its table (409 listing what is allowed now) and the caller's expected version,
stamps the state's `<state>_at`, bumps the version, writes the log row and the audit row.
The public actions below check who may act and the rule of the category (a decision goes
ahead only with a completed assessment of the kind its category requires), then call them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability
from gridgov.audit.actions import audit_record
from gridgov.core import crypto
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ProblemList
from gridgov.decisions import notices, selectors
from gridgov.decisions.models import (
    Assessment,
    Consultation,
    ConsultationMethod,
    Decision,
    DecisionCategory,
    DecisionLog,
    ExpertOpinion,
    Mitigation,
    Opinion,
    Participant,
    RiskPoint,
    Vote,
)
from gridgov.decisions.workflow import (
    ASSESSMENT_STATES,
    ASSESSMENT_TRANSITIONS,
    ASSESSOR_COMMANDS,
    DECISION_COMMAND_OF,
    GOING_AHEAD,
    INTERNAL,
    OUTCOME_OF,
    STATES,
    TRANSITIONS,
    AssessmentCommand,
    AssessmentKind,
    AssessmentStatus,
    Command,
    Degree,
    Requirement,
    RiskLevel,
    Status,
    allowed,
    assessment_allowed,
    satisfies,
)
from gridgov.jurisdiction.selectors import node_get
from gridgov.registry.actions import Sealed, sealed_reveal
from gridgov.registry.validation import phone_check, resident_id_check

if TYPE_CHECKING:
    from gridgov.accounts.models import User

PARTICIPANT_PHONE = "decisions.participant.phone"
PARTICIPANT_ID_NUMBER = "decisions.participant.id_number"
UNMASK_FIELDS = {"id_number": PARTICIPANT_ID_NUMBER, "phone": PARTICIPANT_PHONE}
UNMASK_ACTION = "decisions.unmask"
MAX_PEOPLE = 10_000_000


def require_manager(actor: User) -> None:
    if not actor.can(Capability.MANAGE_DECISIONS):
        raise PermissionDenied(
            _("Only the subdistrict's or the district's centre manages major decisions."),
            code="cannot_manage_decisions",
        )


def _require_assessor(actor: User, assessment: Assessment) -> None:
    """A third-party assessment is worked on by the assigned organisation alone; a
    self-assessment by the deciding body's staff."""
    if assessment.kind == AssessmentKind.THIRD_PARTY:
        if actor.pk != assessment.assessor_id or not actor.is_active:
            raise PermissionDenied(
                _("Only the assigned organisation works on a third-party assessment."),
                code="not_the_assessor",
            )
    else:
        require_manager(actor)


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise Conflict(
            _("Someone changed this in the meantime; reload and try again."),
            code="stale_version",
        )


def _log(
    decision: Decision,
    command: str,
    before: str,
    after: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    assessment: Assessment | None = None,
) -> None:
    DecisionLog.objects.create(
        decision=decision,
        assessment=assessment,
        command=command,
        from_status=before,
        to_status=after,
        actor=actor,
        at=at,
        note=note,
    )


def _transition(
    decision: Decision,
    command: Command,
    actor: User,
    *,
    note: str = "",
    expected_version: int | None = None,
    assessment: Assessment | None = None,
    **fields: Any,
) -> Decision:
    """The one writer of a decision's status (see the module docstring)."""
    before = Status(decision.status)
    after = TRANSITIONS.get((before, command))
    if after is None:
        raise Conflict(
            _("A decision that is %(status)s cannot be given “%(command)s”; now: %(allowed)s.")
            % {
                "status": before.label,
                "command": command.label,
                "allowed": ", ".join(str(c.label) for c in allowed(before)) or "—",
            },
            code="command_not_allowed",
        )
    _check_version(decision.version, expected_version)
    now = timezone.now()
    changes: dict[str, Any] = {
        "status": after,
        STATES[after].stamp: now,
        "version": decision.version + 1,
        **fields,
    }
    updated = Decision.objects.unscoped().filter(pk=decision.pk, version=decision.version)
    # Re-read through the caller's scope already; the conditional update guards the race.
    if updated.update(**changes) != 1:
        raise Conflict(
            _("Someone changed this in the meantime; reload and try again."),
            code="stale_version",
        )
    for name, value in changes.items():
        setattr(decision, name, value)
    _log(decision, command, before, after, actor, now, note, assessment)
    audit_record(
        actor=actor,
        action=f"decisions.{command}",
        target=decision,
        detail={"from": before, "to": after, **({"note": crypto.redact(note)} if note else {})},
    )
    return decision


def _locked(user: User, decision_id: int) -> Decision:
    """The decision through the caller's scope, then locked for the step."""
    decision = selectors.decision_get(user, decision_id)
    # Fetched through the caller's scope above; locked for the step.
    return Decision.objects.unscoped().select_for_update().get(pk=decision.pk)


@transaction.atomic
def decision_register(
    *,
    actor: User,
    title: str,
    category_code: str,
    decided_by: str,
    node_code: str,
    people_affected: int,
    planned_on: date,
    description: str = "",
    area_description: str = "",
) -> Decision:
    """Register a major decision or project in the actor's jurisdiction."""
    require_manager(actor)
    problems = ProblemList()
    title, decided_by = title.strip(), decided_by.strip()
    if not title:
        problems.add("title_required", _("Give the decision a title."), field="title")
    if not decided_by:
        problems.add("decided_by_required", _("Say who takes the decision."), field="decided_by")
    category = DecisionCategory.objects.filter(code=category_code).first()
    if category is None:
        problems.add("unknown_category", _("No such decision category."), field="category")
    if not 0 <= people_affected <= MAX_PEOPLE:
        problems.add(
            "bad_people_affected",
            _("The people affected are a count from 0 to 10,000,000."),
            field="people_affected",
        )
    try:
        node = node_get(actor, node_code)
    except NotFound:
        problems.add(
            "unknown_area", _("The affected area is not in your jurisdiction."), field="node"
        )
    problems.raise_if_any(_("The decision cannot be registered."))
    now = timezone.now()
    decision = Decision.objects.create(
        title=title,
        # A missing category is a problem raised above.
        category=cast(DecisionCategory, category),
        decided_by=decided_by,
        node=node,
        people_affected=people_affected,
        planned_on=planned_on,
        description=description.strip(),
        area_description=area_description.strip(),
        registered_by=actor,
        registered_at=now,
    )
    _log(decision, "register", "", Status.REGISTERED, actor, now)
    audit_record(
        actor=actor,
        action="decisions.register",
        target=decision,
        detail={"category": category_code, "node": node_code},
    )
    return decision


def _require_assessment_for(decision: Decision) -> None:
    """The rule as data: the category's required assessment, completed, before going ahead."""
    category = decision.category
    if category.required_assessment == Requirement.NONE:
        return
    completed = Assessment.objects.unscoped().filter(
        decision=decision, status=AssessmentStatus.COMPLETED
    )
    if category.expert_review_required:
        completed = completed.filter(expert_opinions__isnull=False)
    if not any(
        satisfies(kind, category.required_assessment)
        for kind in completed.values_list("kind", flat=True)
    ):
        raise Conflict(
            _(
                "A decision of the category “%(category)s” goes ahead only after %(requirement)s"
                "%(experts)s is completed."
            )
            % {
                "category": category.name,
                "requirement": Requirement(category.required_assessment).label,
                "experts": _(" with an expert review") if category.expert_review_required else "",
            },
            code="assessment_required",
        )


@transaction.atomic
def decision_apply(
    *,
    actor: User,
    decision_id: int,
    command: str,
    note: str = "",
    expected_version: int | None = None,
) -> Decision:
    """Decide (proceed, proceed with adjustments, postpone, stop), record the review after
    implementation, or close. The reasons for an outcome and the review are the note."""
    decision = _locked(actor, decision_id)
    require_manager(actor)
    if command not in Command.values or command in INTERNAL or command == Command.ASSESS:
        raise InvalidInput(
            _("Unknown command: %(command)s") % {"command": command}, code="unknown_command"
        )
    step = Command(command)
    note = note.strip()
    if step == Command.CLOSE and not decision.outcome:
        raise Conflict(
            _(
                "A decision is closed only once its outcome is recorded (proceed, adjust, "
                "postpone or stop)."
            ),
            code="no_outcome",
        )
    fields: dict[str, Any] = {}
    if step in OUTCOME_OF:
        outcome = OUTCOME_OF[step]
        if (Status(decision.status), step) in TRANSITIONS and outcome in GOING_AHEAD:
            _require_assessment_for(decision)
        if not note:
            raise InvalidInput(_("Give the reasons for the outcome."), code="reasons_required")
        fields = {"outcome": outcome, "outcome_reason": note}
    elif step == Command.REVIEW:
        if not note:
            raise InvalidInput(
                _("Write what the review after implementation found."), code="review_required"
            )
        fields = {"review_note": note}
    return _transition(
        decision, step, actor, note=note, expected_version=expected_version, **fields
    )


@transaction.atomic
def assessment_commission(
    *,
    actor: User,
    decision_id: int,
    kind: str,
    assessor_id: int | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """Commission a self-assessment, or a third-party one from an engaged organisation's
    account, which then sees this assessment and its decision and nothing else."""
    decision = _locked(actor, decision_id)
    require_manager(actor)
    problems = ProblemList()
    assessor = None
    if kind not in AssessmentKind.values:
        problems.add(
            "unknown_kind", _("Choose self-assessment or third-party assessment."), field="kind"
        )
    elif kind == AssessmentKind.THIRD_PARTY:
        assessor = selectors.assessors_for(decision.node).filter(pk=assessor_id or 0).first()
        if assessor is None:
            problems.add(
                "unknown_assessor",
                _("Choose a third-party assessor engaged for this area."),
                field="assessor",
            )
    elif assessor_id is not None:
        problems.add(
            "assessor_not_needed",
            _("A self-assessment has no third-party assessor."),
            field="assessor",
        )
    problems.raise_if_any(_("The assessment cannot be commissioned."))
    # The decision moves first: a decision that cannot be assessed now gets no assessment.
    _transition(decision, Command.ASSESS, actor, note=note, expected_version=expected_version)
    assessment = Assessment.objects.create(
        decision=decision,
        kind=kind,
        assessor=assessor,
        note=note.strip(),
        assigned_by=actor,
        assigned_at=decision.assessing_at or timezone.now(),
    )
    if assessor is not None:
        transaction.on_commit(partial(notices.assessment_assigned, assessment.pk))
    return assessment


def _assessment_transition(
    assessment: Assessment,
    command: AssessmentCommand,
    actor: User,
    *,
    note: str = "",
    expected_version: int | None = None,
    **fields: Any,
) -> Assessment:
    """The one writer of an assessment's status (see the module docstring)."""
    before = AssessmentStatus(assessment.status)
    after = ASSESSMENT_TRANSITIONS.get((before, command))
    if after is None:
        raise Conflict(
            _("An assessment that is %(status)s cannot be given “%(command)s”; now: %(allowed)s.")
            % {
                "status": before.label,
                "command": command.label,
                "allowed": ", ".join(str(c.label) for c in assessment_allowed(before)) or "—",
            },
            code="command_not_allowed",
        )
    _check_version(assessment.version, expected_version)
    now = timezone.now()
    changes: dict[str, Any] = {
        "status": after,
        ASSESSMENT_STATES[after].stamp: now,
        "version": assessment.version + 1,
        **fields,
    }
    # Fetched through the caller's scope and locked by the caller.
    Assessment.objects.unscoped().filter(pk=assessment.pk).update(**changes)
    for name, value in changes.items():
        setattr(assessment, name, value)
    _log(assessment.decision, f"assessment.{command}", before, after, actor, now, note, assessment)
    audit_record(
        actor=actor,
        action=f"decisions.assessment.{command}",
        target=assessment,
        detail={"from": before, "to": after},
    )
    return assessment


def _locked_assessment(user: User, assessment_id: int) -> Assessment:
    assessment = selectors.assessment_get(user, assessment_id)
    # Fetched through the caller's scope above; locked for the step.
    return (
        Assessment.objects.unscoped()
        .select_for_update()
        .select_related("decision__category")
        .get(pk=assessment.pk)
    )


def _submission_problems(assessment: Assessment, risk_level: str, risk_reasons: str) -> None:
    problems = ProblemList()
    if risk_level not in RiskLevel.values:
        problems.add(
            "risk_level_required",
            _("State the risk level: low, medium or high."),
            field="risk_level",
        )
    if not risk_reasons.strip():
        problems.add(
            "reasons_required", _("Give the reasons for the risk level."), field="risk_reasons"
        )
    # Fetched through the caller's scope by the action.
    if not Consultation.objects.unscoped().filter(assessment=assessment).exists():
        problems.add("consultation_required", _("Record the public consultation first."))
    if not RiskPoint.objects.unscoped().filter(assessment=assessment).exists():
        problems.add("risk_points_required", _("Identify at least one risk point."))
    if (
        assessment.decision.category.expert_review_required
        and not ExpertOpinion.objects.unscoped().filter(assessment=assessment).exists()
    ):
        problems.add("expert_review_required", _("This category needs an expert review."))
    problems.raise_if_any(_("The assessment cannot be submitted yet."))


@transaction.atomic
def assessment_apply(
    *,
    actor: User,
    assessment_id: int,
    command: str,
    risk_level: str = "",
    risk_reasons: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """Start or submit (the assessor), return, accept or withdraw (the commissioning staff).
    Accepting completes the assessment and makes its decision assessed."""
    assessment = _locked_assessment(actor, assessment_id)
    if command not in AssessmentCommand.values:
        raise InvalidInput(
            _("Unknown command: %(command)s") % {"command": command}, code="unknown_command"
        )
    step = AssessmentCommand(command)
    if step in ASSESSOR_COMMANDS:
        _require_assessor(actor, assessment)
    else:
        require_manager(actor)
    fields: dict[str, Any] = {}
    if (
        step == AssessmentCommand.SUBMIT
        and (AssessmentStatus(assessment.status), step) in ASSESSMENT_TRANSITIONS
    ):
        _submission_problems(assessment, risk_level, risk_reasons)
        fields = {"risk_level": risk_level, "risk_reasons": risk_reasons.strip()}
    assessment = _assessment_transition(
        assessment, step, actor, note=note, expected_version=expected_version, **fields
    )
    if step == AssessmentCommand.SUBMIT:
        transaction.on_commit(partial(notices.assessment_submitted, assessment.pk))
    if step in DECISION_COMMAND_OF:
        decision = Decision.objects.unscoped().select_for_update().get(pk=assessment.decision_id)
        _transition(decision, DECISION_COMMAND_OF[step], actor, note=note, assessment=assessment)
    return assessment


def _in_progress(user: User, assessment_id: int) -> Assessment:
    assessment = _locked_assessment(user, assessment_id)
    _require_assessor(user, assessment)
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        raise Conflict(
            _("The assessment takes records only while it is in progress (now: %(status)s).")
            % {"status": AssessmentStatus(assessment.status).label},
            code="assessment_not_in_progress",
        )
    return assessment


def _count(problems: ProblemList, value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PEOPLE:
        problems.add("bad_count", _("A count is a whole number from 0."), field=field)
        return 0
    return value


@transaction.atomic
def consultation_record(
    *,
    actor: User,
    assessment_id: int,
    method: str,
    held_on: date,
    participants: int,
    in_favour: int,
    against: int,
    main_concerns: str = "",
    people: Sequence[Mapping[str, str]] = (),
) -> Consultation:
    """One round of public consultation: how, how many took part, for and against, what
    worried them, and the participants on record (phone and ID number sealed)."""
    assessment = _in_progress(actor, assessment_id)
    problems = ProblemList()
    if method not in ConsultationMethod.values:
        problems.add("unknown_method", _("No such consultation method."), field="method")
    total = _count(problems, participants, "participants")
    favour = _count(problems, in_favour, "in_favour")
    opposed = _count(problems, against, "against")
    if favour + opposed > total:
        problems.add(
            "opinions_exceed_participants",
            _("Those for and against cannot outnumber the participants."),
            field="participants",
        )
    if held_on > timezone.localdate():
        problems.add("held_in_future", _("A consultation is recorded once held."), field="held_on")
    sealed: list[Participant] = []
    for index, person in enumerate(people):
        name = str(person.get("name", "")).strip()
        if not name:
            problems.add(
                "name_required", _("A participant has a name."), field="people.name", index=index
            )
        opinion = str(person.get("opinion", Opinion.NEUTRAL))
        if opinion not in Opinion.values:
            problems.add(
                "unknown_opinion",
                _("An opinion is for, against or neutral."),
                field="people.opinion",
                index=index,
            )
        local = ProblemList()
        phone = phone_check(local, str(person.get("phone", "")), field="people.phone")
        raw_id = str(person.get("id_number", "")).strip().upper()
        resident = resident_id_check(local, raw_id, field="people.id_number") if raw_id else None
        for problem in local.problems:
            problems.add(problem.code, problem.message, field=problem.field, index=index)
        sealed.append(
            Participant(
                name=name,
                opinion=opinion,
                comment=str(person.get("comment", "")).strip(),
                **crypto.seal(phone, PARTICIPANT_PHONE).columns("phone"),
                **crypto.seal(resident.number if resident else "", PARTICIPANT_ID_NUMBER).columns(
                    "id_number"
                ),
            )
        )
    problems.raise_if_any(_("The consultation cannot be recorded."))
    consultation = Consultation.objects.create(
        assessment=assessment,
        method=method,
        held_on=held_on,
        participants=total,
        in_favour=favour,
        against=opposed,
        main_concerns=main_concerns.strip(),
    )
    for participant in sealed:
        participant.consultation = consultation
    Participant.objects.bulk_create(sealed)
    audit_record(
        actor=actor,
        action="decisions.consultation",
        target=consultation,
        detail={"assessment": assessment.pk, "participants": total, "on_record": len(sealed)},
    )
    return consultation


@transaction.atomic
def risk_point_record(
    *,
    actor: User,
    assessment_id: int,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
) -> RiskPoint:
    assessment = _in_progress(actor, assessment_id)
    problems = ProblemList()
    if not title.strip():
        problems.add("title_required", _("Name the risk point."), field="title")
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if value not in Degree.values:
            problems.add(
                "bad_degree", _("Likelihood and impact are low, medium or high."), field=name
            )
    problems.raise_if_any(_("The risk point cannot be recorded."))
    point = RiskPoint.objects.create(
        assessment=assessment,
        title=title.strip(),
        description=description.strip(),
        likelihood=likelihood,
        impact=impact,
    )
    audit_record(
        actor=actor,
        action="decisions.risk_point",
        target=point,
        detail={"assessment": assessment.pk},
    )
    return point


@transaction.atomic
def expert_opinion_record(
    *,
    actor: User,
    assessment_id: int,
    expert: str,
    opinion: str,
    vote: str,
    given_on: date,
    affiliation: str = "",
) -> ExpertOpinion:
    assessment = _in_progress(actor, assessment_id)
    problems = ProblemList()
    if not expert.strip():
        problems.add("expert_required", _("Name the expert."), field="expert")
    if not opinion.strip():
        problems.add("opinion_required", _("Write the expert's opinion."), field="opinion")
    if vote not in Vote.values:
        problems.add("unknown_vote", _("A vote is for, against or abstain."), field="vote")
    problems.raise_if_any(_("The expert's opinion cannot be recorded."))
    row = ExpertOpinion.objects.create(
        assessment=assessment,
        expert=expert.strip(),
        affiliation=affiliation.strip(),
        opinion=opinion.strip(),
        vote=vote,
        given_on=given_on,
    )
    audit_record(
        actor=actor,
        action="decisions.expert_opinion",
        target=row,
        detail={"assessment": assessment.pk},
    )
    return row


# A decision takes mitigations once assessed and while it is implemented.
MITIGATION_STATUSES = frozenset({Status.ASSESSED, Status.IMPLEMENTING})


def end_of_day(day: date) -> datetime:
    """A deadline given as a day ends at midnight, local time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def mitigation_add(
    *, actor: User, risk_point_id: int, measure: str, owner: str, due_on: date
) -> Mitigation:
    """A measure against a risk point, with its owner and deadline; the sweep follows it."""
    point = selectors.risk_point_get(actor, risk_point_id)
    require_manager(actor)
    decision = point.assessment.decision
    if decision.status not in MITIGATION_STATUSES:
        raise Conflict(
            _("Mitigations are set once the decision is assessed and while it is implemented."),
            code="decision_not_following_up",
        )
    problems = ProblemList()
    if not measure.strip():
        problems.add("measure_required", _("Describe the measure."), field="measure")
    if not owner.strip():
        problems.add("owner_required", _("Name who owns the measure."), field="owner")
    if due_on < timezone.localdate():
        problems.add("due_in_past", _("The deadline cannot lie in the past."), field="due_on")
    problems.raise_if_any(_("The mitigation cannot be added."))
    mitigation = Mitigation.objects.create(
        risk_point=point,
        measure=measure.strip(),
        owner=owner.strip(),
        due_at=end_of_day(due_on),
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="decisions.mitigation_add",
        target=mitigation,
        detail={"decision": decision.pk, "due_on": due_on.isoformat()},
    )
    return mitigation


@transaction.atomic
def mitigation_done(*, actor: User, mitigation_id: int, note: str) -> Mitigation:
    mitigation = selectors.mitigation_get(actor, mitigation_id)
    require_manager(actor)
    if not note.strip():
        raise InvalidInput(_("Write what was done."), code="result_required")
    # Fetched through the caller's scope above; only an open measure is marked done.
    done = (
        Mitigation.objects.unscoped()
        .filter(pk=mitigation.pk, done_at__isnull=True)
        .update(done_at=timezone.now(), done_note=note.strip())
    )
    if not done:
        raise Conflict(_("This measure is already done."), code="already_done")
    mitigation.refresh_from_db()
    audit_record(actor=actor, action="decisions.mitigation_done", target=mitigation)
    return mitigation


@transaction.atomic
def mitigations_sweep(now: datetime | None = None) -> int:
    """Stamp every open measure past its deadline as overdue, once (a conditional update, so
    overlapping sweeps tell once), and tell the decision's registrant."""
    now = now or timezone.now()
    # The periodic task runs for every jurisdiction.
    due = list(
        Mitigation.objects.unscoped()
        .filter(done_at__isnull=True, overdue_at__isnull=True, due_at__lte=now)
        .values_list("pk", flat=True)[:1000]
    )
    claimed = [
        pk
        for pk in due
        # Claimed one by one so that a concurrent sweep never tells twice.
        if Mitigation.objects.unscoped()
        .filter(pk=pk, overdue_at__isnull=True)
        .update(overdue_at=now)
    ]
    for pk in claimed:
        transaction.on_commit(partial(notices.mitigation_overdue, pk))
    if claimed:
        audit_record(
            actor=None, action="decisions.mitigations_overdue", detail={"count": len(claimed)}
        )
    return len(claimed)


def participant_unmask(*, actor: User, participant_id: int, field: str, purpose: str) -> str:
    """A participant's phone or ID number in full, for a stated purpose, audited and counted
    against the one hourly limit of every reveal (registry.actions.sealed_reveal)."""
    participant = selectors.participant_get(actor, participant_id)
    return sealed_reveal(
        actor=actor,
        target=participant,
        action=UNMASK_ACTION,
        field=field,
        purpose=purpose,
        sealed={
            name: Sealed(
                crypto_field,
                getattr(participant, f"{name}_encrypted"),
                getattr(participant, f"{name}_masked"),
            )
            for name, crypto_field in UNMASK_FIELDS.items()
        },
    )
