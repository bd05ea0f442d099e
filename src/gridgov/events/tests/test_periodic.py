"""run_periodic: the periodic jobs, once through, on a real database."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.assessment.models import IndicatorDaily
from gridgov.events.models import Deadline, EventTransition
from gridgov.events.workflow import AUTO_ESCALATE, Command
from gridgov.testing.loop import Report, apply
from gridgov.whistle.actions import whistle_blow
from gridgov.whistle.models import Summons


def test_once_through_runs_the_jobs_in_order(
    report: Report, loop_users: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    late = report()
    Deadline.objects.filter(event=late).update(due_at=timezone.now() - timedelta(minutes=1))
    summoned = apply(loop_users, report(), Command.REGISTER)
    whistle_blow(
        actor=loop_users["dispatcher"],
        event_number=summoned.number,
        reason="several_departments",
        department_codes=["320104-fire"],
    )
    Summons.objects.update(report_due_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    with caplog.at_level("INFO", logger="gridgov.events.management.commands.run_periodic"):
        call_command("run_periodic", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":", 1)[0] for line in lines] == [
        "events_sweep",
        "whistle_sweep",
        "inspections_sweep",
        "indicators_rebuild",
        "mediation_figures_rebuild",
        "verification_stale_sweep",
        "exchange_expire_files",
        "command_checkins_expire",
        "audit_chain",
    ]
    assert lines[0] == "events_sweep: escalated 1 in 1 batch(es)"
    assert lines[1] == "whistle_sweep: escalated 1"
    assert EventTransition.objects.filter(event=late, command=AUTO_ESCALATE).count() == 1
    assert Summons.objects.get().escalated_at is not None
    assert IndicatorDaily.objects.filter(day=timezone.localdate()).exists()
    assert [r.getMessage() for r in caplog.records if "periodic" in r.getMessage()] == [
        f"periodic {line}" for line in lines
    ]
    again = StringIO()
    call_command("run_periodic", stdout=again)
    assert again.getvalue().splitlines()[:2] == [
        "events_sweep: escalated 0 in 1 batch(es)",
        "whistle_sweep: escalated 0",
    ]


def test_a_negative_interval_is_refused(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("run_periodic", "--loop", "-1")
