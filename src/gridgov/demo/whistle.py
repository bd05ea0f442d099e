"""The demo's whistle cases (吹哨报到): the subdistrict summons departments to open events
of the year of history, and the cases stand at every step of the walk, through the
whistle's own actions so each step is logged, timed and audited as on the pages."""

from __future__ import annotations

from gridgov.accounts.models import User
from gridgov.core.scope import Scope
from gridgov.events.actions.dispatch import dispatch_departments
from gridgov.events.models import Event
from gridgov.events.workflow import OPEN_STATUSES
from gridgov.whistle.actions import (
    summons_part_done,
    summons_part_verify,
    summons_rate,
    summons_report,
    whistle_blow,
)
from gridgov.whistle.models import Reason

# How far each case has come: blown, reported, part done, verified and rated.
STAGES = (0, 1, 2, 3, 3)
REASONS = (
    Reason.SEVERAL_DEPARTMENTS,
    Reason.BEYOND_AUTHORITY,
    Reason.NO_CLEAR_OWNER,
    Reason.SPANS_AREAS,
    Reason.SEVERAL_LEVELS,
)


def whistle_seed() -> int:
    """Cases on the dispatcher's oldest open events; the handler's department is summoned to
    each, a second department to the cases still open."""
    dispatcher, handler = User.objects.get(username="sd"), User.objects.get(username="dh")
    # demo_accounts_ensure placed both accounts.
    assert dispatcher.node is not None  # noqa: S101
    assert handler.department is not None  # noqa: S101
    events = (
        Event.objects.visible_to(Scope.under(dispatcher.node))
        .filter(status__in=OPEN_STATUSES)
        .order_by("number")
    )[: len(STAGES)]
    made = 0
    for (stage, reason), event in zip(zip(STAGES, REASONS, strict=True), events, strict=False):
        codes = [handler.department.code]
        if stage < 3:
            others = dispatch_departments(dispatcher, event).exclude(code__in=codes)
            codes += list(others.order_by("code").values_list("code", flat=True)[:1])
        whistle = whistle_blow(
            actor=dispatcher, event_number=event.number, reason=reason, department_codes=codes
        )
        summons = whistle.summonses.get(department=handler.department)
        if stage >= 1:
            summons_report(actor=handler, summons_id=summons.pk)
        if stage >= 2:
            summons_part_done(actor=handler, summons_id=summons.pk, description="已到场处置完毕")
        if stage >= 3:
            summons_part_verify(actor=dispatcher, summons_id=summons.pk)
            summons_rate(
                actor=dispatcher, summons_id=summons.pk, rating=4 + made % 2, comment="响应及时"
            )
        made += 1
    return made
