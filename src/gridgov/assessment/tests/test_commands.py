from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gridgov.assessment.models import IndicatorDaily
from gridgov.assessment.tests.conftest import DAY, History


def test_rebuild_command_for_a_range(history: History) -> None:
    out = StringIO()
    call_command("indicators_rebuild", "--from", "2026-11-01", "--to", DAY.isoformat(), stdout=out)
    assert IndicatorDaily.objects.filter(day=DAY).exists()
    assert "2026-11-01 – 2026-11-02" in out.getvalue()


def test_rebuild_command_defaults_to_yesterday_and_today(history: History) -> None:
    out = StringIO()
    call_command("indicators_rebuild", stdout=out)
    # The first run knows no earlier one: the history lies on a fixed past day, outside it.
    assert not IndicatorDaily.objects.exists()
    today = timezone.localdate()
    assert out.getvalue().strip() == f"2 days: {today - timedelta(days=1)}, {today}"


def test_rebuild_command_refuses_reversed_dates(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("indicators_rebuild", "--from", "2026-11-02", "--to", "2026-11-01")
