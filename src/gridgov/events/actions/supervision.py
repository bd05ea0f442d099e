"""The centre's hold on a case: merging a duplicate, escalating, supervising."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.events.actions.step import _Step
from gridgov.events.selectors import (
    events_visible,
)
from gridgov.events.workflow import (
    OPEN_STATUSES,
)


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


def _escalate(step: _Step) -> None:
    owner = step.event.owner
    parent = owner.parent
    if parent is None:
        return
    step.updates["owner"] = parent
    step.payload = {**step.payload, "from": owner.code, "to": parent.code}


def _supervise(step: _Step) -> None:
    step.updates.update(supervised_at=timezone.now(), supervised_by=step.actor)
