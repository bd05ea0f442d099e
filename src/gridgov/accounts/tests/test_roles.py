"""The role tables: every role in each, and rights read from the one table of capabilities."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.accounts.roles import (
    ADMIN_APP_ACCESS,
    ROLE_CAPABILITIES,
    UNMASK_ROLES,
    Capability,
    Role,
    roles_with,
)
from gridgov.assessment.actions import SCORING_ROLES
from gridgov.events.queues import QUEUES_OF_ROLE
from gridgov.events.views import STATS_ROLES as EVENT_FIGURE_ROLES
from gridgov.placement.actions import ROLE_LEVELS
from gridgov.registry.actions import WRITE_ROLES
from gridgov.verification.actions import PROPOSE_ROLES
from gridgov.verification.selectors import STATS_ROLES as GRID_FIGURE_ROLES

ROLE_TABLES: dict[str, dict[str, Any]] = {
    "ROLE_LEVELS": ROLE_LEVELS,
    "ROLE_CAPABILITIES": ROLE_CAPABILITIES,
    "ADMIN_APP_ACCESS": ADMIN_APP_ACCESS,
    "QUEUES_OF_ROLE": QUEUES_OF_ROLE,
}


@pytest.mark.parametrize("name", sorted(ROLE_TABLES))
def test_every_role_appears_in_every_role_table(name: str) -> None:
    assert set(ROLE_TABLES[name]) == set(Role.values)


def test_every_capability_is_held_by_some_role() -> None:
    held = set().union(*ROLE_CAPABILITIES.values())
    assert held == set(Capability.values)


def test_the_role_sets_elsewhere_are_read_from_the_table() -> None:
    assert (
        roles_with(Capability.UNMASK)
        == UNMASK_ROLES
        == {
            Role.COMMUNITY_STAFF,
            Role.SUBDISTRICT_DISPATCHER,
            Role.DISTRICT_COMMANDER,
        }
    )
    assert WRITE_ROLES == roles_with(Capability.WRITE_REGISTRY)
    assert PROPOSE_ROLES == WRITE_ROLES | {Role.DEPARTMENT_HANDLER}
    assert GRID_FIGURE_ROLES == roles_with(Capability.READ_GRID_FIGURES)
    assert EVENT_FIGURE_ROLES == roles_with(Capability.READ_EVENT_FIGURES)
    assert SCORING_ROLES == {Role.SUBDISTRICT_DISPATCHER, Role.DISTRICT_COMMANDER}


def test_no_administrator_holds_a_right_of_the_service() -> None:
    """The platform's administrators neither unmask nor write nor score (三权分立 aside)."""
    service = set(Capability) - {
        Capability.MANAGE_BOUNDARIES,
        Capability.MANAGE_STAFF,
        Capability.MANAGE_ACCOUNTS,
        Capability.READ_AUDIT,
    }
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR):
        assert not ROLE_CAPABILITIES[role] & service
