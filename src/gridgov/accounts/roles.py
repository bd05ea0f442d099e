"""Roles, where each may sit in the tree, and what each may do.

One role per account. MLPS 2.0 (三权分立) asks that the system, security and
audit administrators be different people; with one role per account no
account can ever hold two of them, and a person with two duties has two
accounts, each audited on its own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    COMMUNITY_STAFF = "community_staff", _("community staff")
    SUBDISTRICT_DISPATCHER = "subdistrict_dispatcher", _("subdistrict dispatcher")
    DISTRICT_COMMANDER = "district_commander", _("district commander")
    DEPARTMENT_HANDLER = "department_handler", _("department handler")
    ANALYST = "analyst", _("analyst")
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDITOR = "auditor", _("auditor")
    # An outside organisation engaged to assess a major decision's stability risk (稳评).
    THIRD_PARTY_ASSESSOR = "third_party_assessor", _("third-party assessor")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})

# Limited accounts: their node places them, but they see only the rows assigned to them (a
# model's `assignee_path`), nothing of their node's tree; a model without one shows them
# nothing (core.scope, ADR 0033).
ASSIGNMENT_ROLES = frozenset({Role.THIRD_PARTY_ASSESSOR})


class Capability(models.TextChoices):
    """What a role may do beyond reading its own jurisdiction. A workflow's commands keep
    their roles beside the workflow's table (events.workflow.COMMAND_ROLES, the whistle's
    steps); everything else a role may do is one of these."""

    MANAGE_BOUNDARIES = "manage_boundaries", _("import and edit boundaries")
    MANAGE_STAFF = "manage_staff", _("manage grid staff and groups")
    MANAGE_ACCOUNTS = "manage_accounts", _("manage accounts and roles")
    READ_AUDIT = "read_audit", _("read the audit trail")
    # Who may see an ID number or phone in full, inside their jurisdiction only: staff who
    # serve residents directly. Analysts work on aggregates; the system, security and audit
    # administrators run the platform, not the service, so none of them may unmask.
    UNMASK = "unmask", _("see personal data in full, with a purpose")
    # The people who keep the base data true on the ground.
    WRITE_REGISTRY = "write_registry", _("write registry records and decide their checks")
    # A department that meets a resident may propose a correction; the grid decides it.
    PROPOSE_CORRECTION = "propose_correction", _("propose a correction to a registry record")
    # Figures by grid serve those who steer several grids; analysts read aggregates.
    READ_GRID_FIGURES = "read_grid_figures", _("read the registry's figures by grid")
    # The loop's figures: the centre at each level, and analysts.
    READ_EVENT_FIGURES = "read_event_figures", _("read the event loop's figures")
    SCORE_HANDLING = "score_handling", _("score departments' handling")
    # Registering major decisions, commissioning their stability risk assessment, deciding
    # the outcome and following it up: the subdistrict's and the district's centres.
    MANAGE_DECISIONS = "manage_decisions", _("register and decide major decisions")


_SERVICE = frozenset({Capability.UNMASK, Capability.WRITE_REGISTRY, Capability.PROPOSE_CORRECTION})
_CENTRE = _SERVICE | {
    Capability.MANAGE_STAFF,
    Capability.READ_GRID_FIGURES,
    Capability.READ_EVENT_FIGURES,
}

# The one table of what each role may do.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({Capability.WRITE_REGISTRY, Capability.PROPOSE_CORRECTION}),
    Role.COMMUNITY_STAFF: _CENTRE,
    Role.SUBDISTRICT_DISPATCHER: _CENTRE | {Capability.SCORE_HANDLING, Capability.MANAGE_DECISIONS},
    Role.DISTRICT_COMMANDER: _CENTRE | {Capability.SCORE_HANDLING, Capability.MANAGE_DECISIONS},
    Role.DEPARTMENT_HANDLER: frozenset({Capability.PROPOSE_CORRECTION}),
    Role.ANALYST: frozenset({Capability.READ_GRID_FIGURES, Capability.READ_EVENT_FIGURES}),
    Role.SYSTEM_ADMIN: frozenset({Capability.MANAGE_BOUNDARIES, Capability.MANAGE_STAFF}),
    Role.SECURITY_ADMIN: frozenset({Capability.MANAGE_ACCOUNTS}),
    Role.AUDITOR: frozenset({Capability.READ_AUDIT}),
    # What an assessor may do comes from its assignments (decisions.workflow), not a right.
    Role.THIRD_PARTY_ASSESSOR: frozenset(),
}


def roles_with(capability: str) -> frozenset[str]:
    """The roles holding a capability, read from the table, for checks on a role alone."""
    return frozenset(role for role, held in ROLE_CAPABILITIES.items() if capability in held)


UNMASK_ROLES = roles_with(Capability.UNMASK)

# Where OTP_REQUIRED is on, these pass a second factor in each session (ADR 0014).
SECOND_FACTOR_ROLES = ADMIN_ROLES | UNMASK_ROLES

# Which Django apps each administrator role may manage in the admin site.
# The system administrator runs the platform's data and registers Open311
# client applications, but not accounts or the audit trail; the security
# administrator runs accounts and lock-outs; the auditor only reads.
ADMIN_APP_ACCESS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # role: (apps with full model permissions, apps with view permission)
    Role.SYSTEM_ADMIN: (
        frozenset(
            {
                "jurisdiction",
                "departments",
                "staffing",
                "worktime",
                "events",
                "whistle",
                "decisions",
                "assessment",
                "addresses",
                "open311",
                "tasks",
                "notifications",
                "inspections",
            }
        ),
        frozenset({"registry", "fieldwork", "campaigns"}),
    ),
    Role.SECURITY_ADMIN: (
        frozenset({"accounts", "axes"}),
        frozenset(),
    ),
    Role.AUDITOR: (frozenset(), frozenset({"audit", "axes"})),
    # The service's roles work in the pages, not the admin site.
    **{
        role: (frozenset(), frozenset())
        for role in Role
        if role not in {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}
    },
}
