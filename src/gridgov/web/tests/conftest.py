"""The event loop's fixtures, to put work on each role's desk."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.events.workflow import Command, Status
from gridgov.testing import loop
from gridgov.testing.loop import Report, Walk, apply

# The events loop's fixtures, shared rather than copied.
media = loop.media
catalogue = loop.catalogue
brigade = loop.brigade
loop_users = loop.loop_users
report = loop.report
walk = loop.walk


@pytest.fixture(autouse=True)
def counts_uncached(settings: Any) -> None:
    """Each test counts afresh: the shared desks' cache would outlive the test's data."""
    settings.GRIDGOV_WORKBENCH_SECONDS = 0


@pytest.fixture
def busy(report: Report, walk: Walk, loop_users: dict[str, User]) -> dict[str, User]:
    """Work in every state: two reports of one place (possible duplicates), one dispatched to
    the brigade, one accepted, one handled, one closed, one supervised."""
    report()
    report(description="同一楼道再次发现飞线充电")
    walk(Status.DISPATCHED)
    walk(Status.ACCEPTED)
    walk(Status.HANDLED)
    walk(Status.CLOSED)
    apply(loop_users, walk(Status.REGISTERED), Command.SUPERVISE)
    return loop_users
