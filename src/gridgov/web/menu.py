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

from gridgov.accounts.roles import ADMIN_ROLES, ASSIGNMENT_ROLES, Capability, Role, roles_with
from gridgov.assessment.views import SHEET_ROLES, STEERING_ROLES
from gridgov.campaigns.workflow import READ_ROLES as CAMPAIGN_READ_ROLES
from gridgov.events.queues import QUEUES_OF_ROLE
from gridgov.events.views import STATS_ROLES
from gridgov.events.workflow import COMMAND_ROLES, REPORTER_ROLES, Command
from gridgov.fieldwork.actions.tasks import ASSIGN_ROLES
from gridgov.fieldwork.kinds import FIELD_ROLES
from gridgov.fieldwork.views import FIGURE_ROLES as FIELD_FIGURE_ROLES
from gridgov.insight.views import FIGURE_ROLES, NOTICE_ROLES, PANORAMA_ROLES
from gridgov.inspections.actions import FLAGGERS as VENUE_FLAGGERS
from gridgov.inspections.views import PAGE_ROLES as INSPECTION_PAGE_ROLES
from gridgov.mediation.workflow import FIGURE_ROLES as MEDIATION_FIGURE_ROLES
from gridgov.mediation.workflow import READ_ROLES as MEDIATION_READ_ROLES
from gridgov.mediation.workflow import REGISTER_ROLES as MEDIATION_REGISTER_ROLES
from gridgov.registry.actions import WRITE_ROLES
from gridgov.rentals.actions import CENTRE_ROLES as RENTAL_CENTRE_ROLES

if TYPE_CHECKING:
    from gridgov.accounts.models import User

EVERYONE = frozenset(Role)
# Every account that works inside a jurisdiction: the limited accounts (a third-party
# assessor) see only their assignments, so the tree, map and lists are not offered to them.
STAFF = EVERYONE - ASSIGNMENT_ROLES
# The roles that serve residents; administrators run the platform, not the service.
SERVICE = STAFF - ADMIN_ROLES
DECISION_MANAGERS = roles_with(Capability.MANAGE_DECISIONS)


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
        FIELD_ROLES,
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
    Entry(WORK, _("Patrol plans"), "fieldwork:plans", ASSIGN_ROLES),
    Entry(WORK, _("Care visit plans"), "fieldwork:care", ASSIGN_ROLES),
    Entry(
        WORK,
        _("Whistles"),
        "whistle:list",
        SERVICE - {Role.DEPARTMENT_HANDLER},
        ("whistle:detail", "whistle:blow"),
    ),
    Entry(WORK, _("Summonses"), "whistle:queue", frozenset({Role.DEPARTMENT_HANDLER})),
    Entry(WORK, _("Rental warnings"), "rentals:list", SERVICE, ("rentals:case",)),
    Entry(
        WORK,
        _("Campaigns"),
        "campaigns:list",
        CAMPAIGN_READ_ROLES,
        ("campaigns:detail", "campaigns:new", "campaigns:form", "campaigns:answer"),
    ),
    Entry(
        WORK,
        _("Inspections"),
        "inspections:home",
        INSPECTION_PAGE_ROLES,
        ("inspections:inspection",),
    ),
    Entry(WORK, _("Rectifications"), "inspections:rectifications", INSPECTION_PAGE_ROLES),
    Entry(WORK, _("Flag a venue"), "inspections:flag", VENUE_FLAGGERS),
    Entry(
        WORK,
        _("Linked command"),
        "command:centres",
        SERVICE,
        ("command:centre", "command:instruction", "command:roster", "command:activation"),
    ),
    Entry(WORK, _("Instructions to me"), "command:receipts_mine", SERVICE),
    Entry(
        WORK,
        _("Disputes"),
        "mediation:list",
        MEDIATION_READ_ROLES,
        ("mediation:detail", "mediation:from_event", "mediation:follow_up"),
    ),
    Entry(WORK, _("Register a dispute"), "mediation:register", MEDIATION_REGISTER_ROLES),
    Entry(
        WORK,
        _("Major decisions"),
        "decisions:list",
        SERVICE | ASSIGNMENT_ROLES,
        ("decisions:detail", "decisions:register"),
    ),
    Entry(
        WORK,
        _("Stability risk assessments"),
        "decisions:assessments",
        DECISION_MANAGERS | ASSIGNMENT_ROLES,
        ("decisions:assessment",),
    ),
    Entry(WORK, _("Map"), "jurisdiction:map", STAFF, ("jurisdiction:map_node",)),
    Entry(WORK, _("Prompt notices"), "insight:notices", NOTICE_ROLES, ("insight:notice",)),
    Entry(
        WORK, _("Notifications"), "notifications:inbox", EVERYONE, ("notifications:preferences",)
    ),
    Entry(
        DATA,
        _("Jurisdiction"),
        "jurisdiction:tree",
        STAFF,
        ("jurisdiction:node", "jurisdiction:grid"),
    ),
    Entry(DATA, _("Coverage"), "staffing:coverage", STAFF, ("staffing:coverage_node",)),
    Entry(DATA, _("Registry"), "registry:search", SERVICE),
    Entry(DATA, _("Imports"), "exchange:imports", WRITE_ROLES, ("exchange:job",)),
    Entry(DATA, _("Addresses"), "addresses:batch", SERVICE),
    Entry(DATA, _("Working calendar"), "worktime:years", STAFF, ("worktime:year",)),
    Entry(DATA, _("Monthly figures"), "insight:figures", FIGURE_ROLES),
    Entry(DATA, _("Meter readings"), "rentals:meters", RENTAL_CENTRE_ROLES),
    Entry(FIGURES, _("Panorama"), "insight:panorama", PANORAMA_ROLES, ("insight:panorama_node",)),
    Entry(FIGURES, _("Closure and response"), "events:stats", STATS_ROLES),
    Entry(FIGURES, _("Field work figures"), "fieldwork:coverage", FIELD_FIGURE_ROLES),
    Entry(FIGURES, _("Work logs"), "fieldwork:logs", FIELD_FIGURE_ROLES),
    Entry(FIGURES, _("Hazard ledger"), "inspections:ledger", INSPECTION_PAGE_ROLES),
    Entry(FIGURES, _("Mediation figures"), "mediation:figures", MEDIATION_FIGURE_ROLES),
    Entry(FIGURES, _("Scorecards"), "assessment:scorecard", SERVICE),
    Entry(FIGURES, _("Rankings"), "assessment:ranking", SERVICE),
    Entry(FIGURES, _("Assessment sheets"), "assessment:sheet", SHEET_ROLES),
    Entry(FIGURES, _("Grid workers' scorecards"), "assessment:workers", STEERING_ROLES),
    Entry(FIGURES, _("Workload-based staffing"), "assessment:staffing", STEERING_ROLES),
    Entry(FIGURES, _("Reports"), "reports:list", SERVICE, ("reports:detail",)),
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
