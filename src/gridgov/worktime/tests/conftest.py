"""The calendar snapshot is cached per process; each test's rolled-back writes must not leak."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gridgov.worktime.calendar import calendar_cache_clear


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    calendar_cache_clear()
    yield
    calendar_cache_clear()
