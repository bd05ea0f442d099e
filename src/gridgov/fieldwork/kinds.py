"""The kinds of field task, registered by the domain that owns each (ADR 0026).

A kind names the page where its result is entered: the task list links there, and the
domain's own action completes the FieldTask when the result is saved, so fieldwork knows
nothing of an inspection's checklist or a campaign's form. A result URL is a URL name
(reversed with the task's id) or a function of the task's id.

A kind also declares the roles that may do it (`doers`): grid workers by default; a task a
community hands out by hand or a care visit may be done by the community's staff too, when
it is theirs (ADR 0036).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role

# Three working days, unless the kind or the creator says otherwise.
DEFAULT_WORKING_MINUTES = 3 * 8 * 60
GRID_WORKERS = frozenset({Role.GRID_WORKER})
# Who works in the field at all: the grid's workers and the community's staff.
FIELD_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})

ResultUrl = str | Callable[[int], str]


@dataclass(frozen=True)
class TaskKind:
    code: str
    label: str | Promise
    result_url: ResultUrl
    working_minutes: int = DEFAULT_WORKING_MINUTES
    doers: frozenset[str] = GRID_WORKERS

    def url_for(self, task_id: int) -> str:
        if callable(self.result_url):
            return self.result_url(task_id)
        return reverse(self.result_url, args=[task_id])


_KINDS: dict[str, TaskKind] = {}


def register_task_kind(
    code: str,
    label: str | Promise,
    result_url: ResultUrl,
    *,
    working_minutes: int = DEFAULT_WORKING_MINUTES,
    doers: frozenset[str] = GRID_WORKERS,
) -> TaskKind:
    """Called from a domain's AppConfig.ready; registering the same code again replaces it
    (a reloaded app), so a code is owned by one domain by convention: prefix nothing, but
    choose a word of the domain (inspection, campaign, rental_check). `doers` are the roles
    that may be given and complete the kind's tasks, among FIELD_ROLES."""
    if not code or len(code) > 32:
        raise ValueError("a task kind's code is 1 to 32 characters")
    if not doers or not doers <= FIELD_ROLES:
        raise ValueError("a task kind's doers are field roles")
    kind = TaskKind(code, label, result_url, working_minutes, frozenset(doers))
    _KINDS[code] = kind
    return kind


def task_kind(code: str) -> TaskKind | None:
    return _KINDS.get(code)


def task_kinds() -> list[TaskKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def doers_of(code: str) -> frozenset[str]:
    """The roles that may do a kind's tasks; an unknown kind only the grid's workers."""
    kind = _KINDS.get(code)
    return kind.doers if kind is not None else GRID_WORKERS


def kinds_closed_to(role: str) -> list[str]:
    """The kinds a role may not do, to leave out of its list of tasks nobody was named for."""
    return sorted(code for code, kind in _KINDS.items() if role not in kind.doers)


# This package's own kinds.
ASSIGNED = "assigned"
PATROL = "patrol"
VISIT = "visit"


def register_own_kinds() -> None:
    register_task_kind(ASSIGNED, _("assigned task"), "fieldwork:task", doers=FIELD_ROLES)
    register_task_kind(PATROL, _("patrol"), "fieldwork:patrol", working_minutes=8 * 60)
    register_task_kind(VISIT, _("care visit"), "fieldwork:visit", doers=FIELD_ROLES)
