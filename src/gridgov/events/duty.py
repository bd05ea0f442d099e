"""Who receives an event out of office hours: whoever is on duty at the receiving unit.

Duty rosters live in a domain above events (gridgov.command), which events may not import
(core/tests/test_layers.py). That domain registers a resolver here from its AppConfig.ready,
as fieldwork.kinds.register_task_kind does for task kinds; the loop's notices ask
`receivers` and never learn where the roster is kept. With no resolver, in office hours, or
with nobody on duty, the unit's usual holders receive the event, so nothing is ever sent
to no one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from gridgov.worktime.calendar import working_minutes_between

# (the receiving level's node id, the receiving department's id or None, the moment) → the
# ids of the accounts on duty there then.
OnDuty = Callable[[int, int | None, datetime], Iterable[int]]

_resolvers: dict[str, OnDuty] = {}


def register_on_duty(name: str, resolver: OnDuty) -> None:
    """Called from a domain's AppConfig.ready; the same name again replaces it (a reload)."""
    _resolvers[name] = resolver


def in_office_hours(at: datetime) -> bool:
    """Whether the moment falls in office hours on the working calendar."""
    return working_minutes_between(at, at + timedelta(minutes=1)) > 0


def on_duty(node_id: int, department_id: int | None, at: datetime | None = None) -> list[int]:
    """Those on duty at the unit out of office hours; empty in office hours."""
    at = at or timezone.now()
    if not _resolvers or in_office_hours(at):
        return []
    found: set[int] = set()
    for resolver in _resolvers.values():
        found.update(resolver(node_id, department_id, at))
    return sorted(found)


def receivers(
    node_id: int,
    department_id: int | None,
    holders: Callable[[], Iterable[int]],
    at: datetime | None = None,
) -> list[int]:
    """Out of office hours those on duty at the unit; otherwise, or with nobody on duty, its
    usual `holders`."""
    return on_duty(node_id, department_id, at) or list(holders())
