"""The main menu, as one table: each entry, the page it opens and who may use that page.

Who may use a page is the rule of the domain that guards it (the event loop's COMMAND_ROLES,
the registry's WRITE_ROLES, a Capability), read from that domain, so a menu cannot offer a
page its view refuses nor hide one it serves. Templates render the table and check no role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import ADMIN_ROLES, Capability, Role, roles_with
from gridgov.events.queues import QUEUES_OF_ROLE
from gridgov.events.views import STATS_ROLES
from gridgov.events.workflow import COMMAND_ROLES, REPORTER_ROLES, Command
from gridgov.fieldwork.actions.tasks import ASSIGN_ROLES
from gridgov.fieldwork.views import FIGURE_ROLES as FIELD_FIGURE_ROLES
from gridgov.mediation.workflow import FIGURE_ROLES as MEDIATION_FIGURE_ROLES
from gridgov.mediation.workflow import READ_ROLES as MEDIATION_READ_ROLES
from gridgov.mediation.workflow import REGISTER_ROLES as MEDIATION_REGISTER_ROLES
from gridgov.registry.actions import WRITE_ROLES

if TYPE_CHECKING:
    from gridgov.accounts.models import User

EVERYONE = frozenset(Role)
# The roles that serve residents; administrators run the platform, not the service.
SERVICE = EVERYONE - ADMIN_ROLES


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise


WORK = Section("work", _("Work"))
DATA = Section("data", _("Data"))
FIGURES = Section("figures", _("Figures"))
PLATFORM = Section("platform", _("Platform"))


@dataclass(frozen=True)
class Entry:
    section: Section
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    # Pages reached from this one that keep it marked as the current entry.
    also_current: tuple[str, ...] = ()


MENU: tuple[Entry, ...] = (
    Entry(WORK, _("Home"), "home", EVERYONE),
    Entry(
        WORK,
        _("Events"),
        "events:queue",
        frozenset(role for role, queues in QUEUES_OF_ROLE.items() if queues),
        ("events:detail",),
    ),
    Entry(WORK, _("Report"), "events:report", REPORTER_ROLES),
    Entry(WORK, _("Hotline call"), "events:hotline", COMMAND_ROLES[Command.REGISTER]),
    Entry(
        WORK,
        _("My tasks"),
        "fieldwork:tasks",
        frozenset({Role.GRID_WORKER}),
        (
            "fieldwork:task",
            "fieldwork:patrol",
            "fieldwork:visit",
            "fieldwork:finding",
            "fieldwork:duty",
        ),
    ),
    Entry(WORK, _("Daily work log"), "fieldwork:log", frozenset({Role.GRID_WORKER})),
    Entry(WORK, _("Service ledger"), "fieldwork:services", frozenset({Role.GRID_WORKER})),
    Entry(WORK, _("Verification tasks"), "verification:tasks", SERVICE, ("verification:task",)),
    Entry(WORK, _("Assign a task"), "fieldwork:assign", ASSIGN_ROLES),
    Entry(WORK, _("Attendance"), "fieldwork:attendance", ASSIGN_ROLES),
    Entry(
        WORK,
        _("Whistles"),
        "whistle:list",
        SERVICE - {Role.DEPARTMENT_HANDLER},
        ("whistle:detail", "whistle:blow"),
    ),
    Entry(WORK, _("Summonses"), "whistle:queue", frozenset({Role.DEPARTMENT_HANDLER})),
    Entry(
        WORK,
        _("Disputes"),
        "mediation:list",
        MEDIATION_READ_ROLES,
        ("mediation:detail", "mediation:from_event", "mediation:follow_up"),
    ),
    Entry(WORK, _("Register a dispute"), "mediation:register", MEDIATION_REGISTER_ROLES),
    Entry(WORK, _("Map"), "jurisdiction:map", EVERYONE, ("jurisdiction:map_node",)),
    Entry(
        WORK, _("Notifications"), "notifications:inbox", EVERYONE, ("notifications:preferences",)
    ),
    Entry(
        DATA,
        _("Jurisdiction"),
        "jurisdiction:tree",
        EVERYONE,
        ("jurisdiction:node", "jurisdiction:grid"),
    ),
    Entry(DATA, _("Coverage"), "staffing:coverage", EVERYONE, ("staffing:coverage_node",)),
    Entry(DATA, _("Registry"), "registry:search", SERVICE),
    Entry(DATA, _("Imports"), "exchange:imports", WRITE_ROLES, ("exchange:job",)),
    Entry(DATA, _("Addresses"), "addresses:batch", SERVICE),
    Entry(DATA, _("Working calendar"), "worktime:years", EVERYONE, ("worktime:year",)),
    Entry(FIGURES, _("Closure and response"), "events:stats", STATS_ROLES),
    Entry(FIGURES, _("Mediation figures"), "mediation:figures", MEDIATION_FIGURE_ROLES),
    Entry(FIGURES, _("Field work figures"), "fieldwork:coverage", FIELD_FIGURE_ROLES),
    Entry(FIGURES, _("Work logs"), "fieldwork:logs", FIELD_FIGURE_ROLES),
    Entry(FIGURES, _("Scorecards"), "assessment:scorecard", SERVICE),
    Entry(FIGURES, _("Rankings"), "assessment:ranking", SERVICE),
    Entry(FIGURES, _("My exports"), "exports:jobs", SERVICE),
    Entry(
        PLATFORM,
        _("Import boundaries"),
        "jurisdiction:import",
        roles_with(Capability.MANAGE_BOUNDARIES),
    ),
    Entry(PLATFORM, _("Administration"), "admin:index", ADMIN_ROLES),
)


def menu_for(user: User) -> list[tuple[Section, list[Entry]]]:
    """The user's entries, grouped by section in the table's order; empty sections left out."""
    sections: dict[Section, list[Entry]] = {}
    for entry in MENU:
        if user.role in entry.roles:
            sections.setdefault(entry.section, []).append(entry)
    return list(sections.items())
