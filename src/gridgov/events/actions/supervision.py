"""The centre's hold on a case: merging a duplicate, escalating (by a person's command or by the
overdue sweeper, to the same level by the same rule), supervising."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.events.actions.step import _Step
from gridgov.events.models import Event, EventTransition
from gridgov.events.selectors import events_visible
from gridgov.events.workflow import AUTO_ESCALATE, OPEN_STATUSES
from gridgov.jurisdiction.models import Level, Node


def _merge(step: _Step) -> None:
    number = str(step.payload.get("master", ""))
    master = events_visible(step.actor).filter(number=number).first()
    if master is None or master.pk == step.event.pk or master.status not in OPEN_STATUSES:
        step.problems.add(
            "bad_master",
            _("Merge into another open event of your jurisdiction."),
            field="payload.master",
            item=number,
        )
        return
    step.updates["master"] = master


def owner_above(owner: Node) -> Node:
    """Whom an escalation hands the case to: the owner's parent, while the owner is below the
    district; the district commands and stays the owner."""
    if owner.level > Level.DISTRICT and owner.parent is not None:
        return owner.parent
    return owner


def _escalate(step: _Step) -> None:
    owner = step.event.owner
    above = owner_above(owner)
    step.updates["owner"] = above
    step.payload = {**step.payload, "from": owner.code, "to": above.code}


@transaction.atomic
def events_escalate_overdue(*, due: Sequence[tuple[int, str]], now: datetime) -> set[int]:
    """Escalate each (event, stage) whose time limit passed, as the escalate command does but
    for a whole batch of the sweeper's (gridgov.events.actions.sweep) in a few queries: one
    level up, a timeline row per stage with no actor, one audit row for all. An event a
    person's command has locked is skipped, since waiting for it could deadlock with the
    sweeper's claim; answers the events escalated."""
    events = {
        event.pk: event
        for event in Event.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(pk__in={event_id for event_id, _stage in due})
        .select_related("owner__parent")
        .only(
            "status", "owner", "owner__code", "owner__level", "owner__parent", "owner__parent__code"
        )
        .order_by("pk")
    }
    if not events:
        return set()
    above = {pk: owner_above(event.owner) for pk, event in events.items()}
    Event.objects.filter(pk__in=events).update(
        owner_id=Case(*(When(pk=pk, then=Value(node.pk)) for pk, node in above.items())),
        version=F("version") + 1,
    )
    reason = gettext("The stage's time limit passed.")
    steps = [
        EventTransition(
            event_id=event_id,
            from_status=events[event_id].status,
            to_status=events[event_id].status,
            command=AUTO_ESCALATE,
            stage=stage,
            at=now,
            reason=reason,
            payload={"from": events[event_id].owner.code, "to": above[event_id].code},
        )
        for event_id, stage in due
        if event_id in events
    ]
    EventTransition.objects.bulk_create(steps)
    audit_record(
        actor=None,
        action="events.sweep",
        target_type="events.event",
        detail={"escalated": len(steps), "events": sorted(events)[:50]},
    )
    return set(events)


def _supervise(step: _Step) -> None:
    step.updates.update(supervised_at=timezone.now(), supervised_by=step.actor)
