"""The stale sweep as a command and as one of the periodic jobs."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.registry.models import Home, Organisation, Person
from gridgov.verification.models import VerificationTask

pytestmark = pytest.mark.django_db


def test_the_command_uses_the_window_and_never_duplicates(
    users: dict[str, Any], records: Any, settings: Any
) -> None:
    settings.GRIDGOV_VERIFY_DAYS = 90
    old = timezone.now() - timedelta(days=91)
    Person.objects.update(verified_at=timezone.now())
    Home.objects.update(verified_at=old)
    Organisation.objects.update(verified_at=timezone.now() - timedelta(days=89))
    out = StringIO()
    call_command("verification_stale_sweep", stdout=out)
    assert out.getvalue().strip() == "1 verification tasks created"
    assert list(VerificationTask.objects.values_list("record_kind", "source")) == [
        ("home", "stale")
    ]
    again = StringIO()
    call_command("verification_stale_sweep", stdout=again)
    assert again.getvalue().strip() == "0 verification tasks created"
    assert VerificationTask.objects.count() == 1
    call_command("verification_stale_sweep", "--days", "30", "--limit", "1", stdout=StringIO())
    assert VerificationTask.objects.count() == 2


def test_run_periodic_sweeps_stale_records(users: dict[str, Any], records: Any) -> None:
    out = StringIO()
    call_command("run_periodic", stdout=out)
    lines = out.getvalue().splitlines()
    # The tenant, the home and the organisation were never verified.
    assert "verification_stale_sweep: 3 verification tasks created" in lines
    again = StringIO()
    call_command("run_periodic", stdout=again)
    assert "verification_stale_sweep: 0 verification tasks created" in again.getvalue()
    assert VerificationTask.objects.count() == 3
