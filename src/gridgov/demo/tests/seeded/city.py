"""The one demo city the tests of this package read: seeded once per test process."""

from datetime import UTC, datetime

from gridgov.demo.actions import SeedOutcome, demo_city_seed

# A fixed end of the year, so two seeds can be compared; a Monday mid-morning in Nanjing.
UNTIL = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)


def seed(number: int = 1) -> SeedOutcome:
    return demo_city_seed(scale="small", seed=number, progress=False, until=UNTIL)
