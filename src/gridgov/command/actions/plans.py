"""Emergency plans (应急预案) as data, their activation into headquarters mode, the orders a
headquarters gives, and deactivation with its report.

Normal operation is level by level: a centre orders the centres directly below it. While an
activation runs, the centre's reach is the activation's area (selectors.hq_reach): it may
order any sub-centre, department centre or grid there directly and dispatch an event to it
through the events loop (events.actions.loop.event_apply), with the plan's short limit. The
reach is read from the running activation on every order, so it ends the moment the
activation does; nothing is granted that must later be taken back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.audit.actions import audit_record
from gridgov.command.actions.common import require_member
from gridgov.command.actions.instructions import Targets, instruction_write
from gridgov.command.models import (
    Activation,
    CentreKind,
    CommandCentre,
    EmergencyPlan,
    Instruction,
    MemberRole,
    PlanKind,
    Priority,
    ResponseLevel,
)
from gridgov.command.selectors import hq_activation, instruction_counts
from gridgov.core.errors import Conflict, PermissionDenied, ProblemList
from gridgov.core.scope import Scope
from gridgov.events.actions.loop import event_apply
from gridgov.events.models import Event
from gridgov.events.selectors import event_get
from gridgov.events.workflow import Command
from gridgov.jurisdiction.models import Node

# The roles that may put a centre into headquarters mode (with a commander's seat in it).
ACTIVATING_ROLES = frozenset({Role.DISTRICT_COMMANDER, Role.SUBDISTRICT_DISPATCHER})
COMMANDERS = frozenset({MemberRole.COMMANDER})
NORMAL_ORDER_MINUTES = 60


def _levels_checked(levels: Any, centre: CommandCentre, problems: ProblemList) -> None:
    if not isinstance(levels, dict):
        problems.add("bad_levels", _("The levels are an object by level."), field="levels")
        return
    area = Scope.under(centre.node)
    for level, spec in levels.items():
        if level not in ResponseLevel.values or not isinstance(spec, dict):
            problems.add("bad_level", _("No such response level."), field="levels", item=level)
            continue
        units = spec.get("units", [])
        known = set(
            CommandCentre.objects.visible_to(area).filter(pk__in=units).values_list("pk", flat=True)
        )
        for unit in set(units) - known:
            problems.add(
                "outside_area",
                _("The unit is outside the centre's area."),
                field=f"levels.{level}.units",
                item=str(unit),
            )
        for text in spec.get("instructions", []):
            if not isinstance(text, dict) or not str(text.get("title", "")).strip():
                problems.add(
                    "bad_instruction",
                    _("Each pre-written instruction has a title."),
                    field=f"levels.{level}.instructions",
                )


@transaction.atomic
def plan_save(
    *,
    actor: User,
    centre: CommandCentre,
    name: str,
    kind: str,
    levels: dict[str, Any],
    checklist: list[str],
    duration_hours: int = 24,
    order_limit_minutes: int = 30,
    plan: EmergencyPlan | None = None,
) -> EmergencyPlan:
    require_member(actor, centre, COMMANDERS)
    problems = ProblemList()
    if not name.strip():
        problems.add("required", _("Name the plan."), field="name")
    if kind not in PlanKind.values:
        problems.add("bad_kind", _("Choose the kind of plan."), field="kind")
    if not 1 <= duration_hours <= 24 * 30:
        problems.add("bad_duration", _("A plan lasts 1 hour to 30 days."), field="duration_hours")
    if not 1 <= order_limit_minutes <= 24 * 60:
        problems.add(
            "bad_limit", _("An order's limit is 1 minute to a day."), field="order_limit_minutes"
        )
    _levels_checked(levels, centre, problems)
    problems.raise_if_any(_("The plan cannot be saved."))
    fields = {
        "centre": centre,
        "name": name.strip(),
        "kind": kind,
        "levels": levels,
        "checklist": [str(item) for item in checklist],
        "duration_hours": duration_hours,
        "order_limit_minutes": order_limit_minutes,
    }
    if plan is None:
        plan = EmergencyPlan.objects.create(**fields)
    else:
        for key, value in fields.items():
            setattr(plan, key, value)
        plan.save()
    audit_record(actor=actor, action="command.plan_save", target=plan, detail={"name": plan.name})
    return plan


@transaction.atomic
def activation_start(
    *, actor: User, plan: EmergencyPlan, area: Node, level: str, reason: str
) -> Activation:
    """Switch the plan's centre into headquarters mode for the area and level, and send the
    plan's pre-written instructions for that level to its units."""
    centre = plan.centre
    if actor.role not in ACTIVATING_ROLES:
        raise PermissionDenied(
            _("Your role may not activate an emergency plan."), code="activation_forbidden"
        )
    require_member(actor, centre, COMMANDERS)
    problems = ProblemList()
    if not Scope.under(centre.node).covers(area.code):
        problems.add(
            "outside_area",
            _("The area is outside the centre's area."),
            field="area",
            item=area.code,
        )
    if level not in ResponseLevel.values:
        problems.add("bad_level", _("Choose a response level."), field="level")
    if not reason.strip():
        problems.add("required", _("Give a reason."), field="reason")
    problems.raise_if_any(_("The plan cannot be activated."))
    now = timezone.now()
    try:
        with transaction.atomic():
            activation = Activation.objects.create(
                plan=plan,
                centre=centre,
                area=area,
                level=level,
                reason=reason.strip(),
                activated_by=actor,
                activated_at=now,
                ends_at=now + timedelta(hours=plan.duration_hours),
            )
    except IntegrityError as exc:
        raise Conflict(
            _("The centre already runs an activation; end it first."), code="already_active"
        ) from exc
    audit_record(
        actor=actor,
        action="command.activation_start",
        target=activation,
        detail={"plan": plan.pk, "area": area.code, "level": level},
    )
    spec = plan.levels.get(level, {})
    units = list(spec.get("units", []))
    for text in spec.get("instructions", []) if units else []:
        instruction_write(
            actor=actor,
            centre=centre,
            title=str(text["title"]),
            body=str(text.get("body", "")),
            priority=Priority.URGENT,
            due_at=activation.ends_at,
            ack_minutes=plan.order_limit_minutes,
            targets=Targets(centres=units),
            # The plan's own units, wherever in the centre's area they sit.
            reach=Scope.under(centre.node),
            activation=activation,
        )
    return activation


def _normal_reach_checked(centre: CommandCentre, targets: Targets, problems: ProblemList) -> None:
    """Outside an emergency an order goes to the centres directly below, nowhere else."""
    below = set(
        CommandCentre.objects.visible_to(Scope.under(centre.node))
        .filter(parent=centre)
        .values_list("pk", flat=True)
    )
    if targets.grids or targets.users or targets.area or set(targets.centres) - below:
        problems.add(
            "skips_levels",
            _(
                "Outside an emergency an order goes to the centres directly below; "
                "activate a plan to order units directly."
            ),
            field="targets",
        )


def _dispatch_payload(targets: Targets, reach: Scope) -> dict[str, str] | None:
    """Where the order sends its event: one grid, or one centre's level or department."""
    if targets.grids and not targets.centres:
        return {"node": targets.grids[0]} if len(targets.grids) == 1 else None
    if len(targets.centres) != 1 or targets.grids:
        return None
    centre = (
        CommandCentre.objects.visible_to(reach)
        .select_related("node", "department")
        .filter(pk=targets.centres[0])
        .first()
    )
    if centre is None:
        return None
    if centre.kind == CentreKind.DEPARTMENT and centre.department is not None:
        return {"department": centre.department.code}
    return {"node": centre.node.code}


@transaction.atomic
def order_send(
    *,
    actor: User,
    centre: CommandCentre,
    title: str,
    body: str = "",
    targets: Targets,
    event_number: str = "",
    now: datetime | None = None,
) -> Instruction:
    """An order (调度指令) of a centre: level by level normally, directly to any unit of the
    area while an activation runs. With an event, the order also dispatches the event to its
    one addressee through the events loop."""
    require_member(actor, centre)
    activation = hq_activation(centre, now)
    problems = ProblemList()
    if activation is None:
        reach = Scope.under(centre.node)
        _normal_reach_checked(centre, targets, problems)
    else:
        reach = Scope.under(activation.area)
    event: Event | None = None
    payload: dict[str, str] | None = None
    if event_number:
        event = event_get(actor, event_number)
        payload = _dispatch_payload(targets, reach)
        if payload is None:
            problems.add(
                "one_addressee",
                _("An order that dispatches an event names one unit."),
                field="targets",
            )
    problems.raise_if_any(_("The order cannot be given."))
    limit = activation.plan.order_limit_minutes if activation else NORMAL_ORDER_MINUTES
    order = instruction_write(
        actor=actor,
        centre=centre,
        title=title,
        body=body,
        priority=Priority.URGENT,
        due_at=timezone.now() + timedelta(minutes=limit),
        ack_minutes=limit,
        targets=targets,
        reach=reach,
        activation=activation,
    )
    if event is not None and payload is not None:
        event_apply(
            actor=actor,
            event_id=event.pk,
            command=Command.DISPATCH,
            expected_version=event.version,
            note=title,
            payload=payload,
        )
        audit_record(
            actor=actor,
            action="command.order_dispatch",
            target=order,
            detail={"event": event.number, **payload},
        )
    return order


def activation_report(activation: Activation, until: datetime) -> dict[str, Any]:
    """What a deactivation leaves: the timeline, every order with its acknowledgements, and
    the events raised in the area while it ran."""
    area = Scope.under(activation.area)
    orders = []
    for order in (
        Instruction.objects.visible_to(Scope.under(activation.centre.node))
        .filter(activation=activation)
        .order_by("sent_at", "id")
    ):
        counts = instruction_counts(order)
        orders.append(
            {
                "id": order.pk,
                "title": order.title,
                "sent_at": order.sent_at.isoformat(),
                "addressees": counts["total"],
                "acknowledged": counts.get("acknowledged", 0) + counts.get("done", 0),
                "done": counts.get("done", 0),
            }
        )
    raised = Event.objects.visible_to(area).filter(
        reported_at__gte=activation.activated_at, reported_at__lt=until
    )
    return {
        "timeline": [
            {"at": activation.activated_at.isoformat(), "what": "activated"},
            *({"at": o["sent_at"], "what": "order", "order": o["id"]} for o in orders),
            {"at": until.isoformat(), "what": "ended"},
        ],
        "orders": orders,
        "acknowledged": sum(o["acknowledged"] for o in orders),
        "addressees": sum(o["addressees"] for o in orders),
        "events_raised": raised.count(),
        "event_numbers": list(
            raised.order_by("reported_at").values_list("number", flat=True)[:200]
        ),
    }


def _end(activation: Activation, actor: User | None, note: str, now: datetime) -> Activation:
    ended = Activation.objects.unscoped().filter(pk=activation.pk, ended_at__isnull=True)
    report = activation_report(activation, now)
    if not ended.update(ended_at=now, ended_by=actor, end_note=note, report=report):
        raise Conflict(_("The activation has ended already."), code="already_ended")
    activation.refresh_from_db()
    audit_record(
        actor=actor,
        action="command.activation_end",
        target=activation,
        detail={"note": note[:200], "orders": len(report["orders"])},
    )
    return activation


@transaction.atomic
def activation_end(*, actor: User, activation: Activation, note: str) -> Activation:
    """Back to normal operation, with the report; a commander of the centre ends it."""
    require_member(actor, activation.centre, COMMANDERS)
    problems = ProblemList()
    if not note.strip():
        problems.add("required", _("Say why the emergency is over."), field="note")
    problems.raise_if_any(_("The activation cannot be ended."))
    return _end(activation, actor, note.strip(), timezone.now())


def activations_expire(now: datetime | None = None) -> int:
    """Activations past their planned end are ended by the sweep with a record saying so; the
    reach already stopped at the planned end (selectors.hq_activation)."""
    now = now or timezone.now()
    expired = 0
    for activation in (
        Activation.objects.unscoped()
        .filter(ended_at__isnull=True, ends_at__lte=now)
        .select_related("centre", "centre__node", "area", "plan")
    ):
        try:
            with transaction.atomic():
                _end(activation, None, str(_("The plan's duration ran out.")), now)
        except Conflict:
            continue
        expired += 1
    return expired
