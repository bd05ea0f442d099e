"""The one demo city the tests of this package read: seeded once per test process; and the
demo's commands as a person runs them, for the tests of this package and of its parent."""

from datetime import UTC, datetime
from io import StringIO

from django.core.management import call_command
from django.utils import translation

from gridgov.demo.actions import SeedOutcome, demo_city_seed

# A fixed end of the year, so two seeds can be compared; a Monday mid-morning in Nanjing.
UNTIL = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)


def seed(number: int = 1) -> SeedOutcome:
    return demo_city_seed(scale="small", seed=number, progress=False, until=UNTIL)


def seed_command(*args: str) -> str:
    return _run("seed_demo", "--no-progress", *args)


def logins() -> str:
    return _run("demo_logins")


def _run(*command: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(*command, stdout=out)
    return out.getvalue()
