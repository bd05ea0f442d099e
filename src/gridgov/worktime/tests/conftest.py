"""The calendar snapshot is cached per process; each test's rolled-back writes must not leak."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gridgov.worktime.calendar import calendar_cache_clear


@pytest.fixture(autouse=True)
def fresh_calendar() -> Iterator[None]:
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """The shared accounts hash with Argon2; these tests never log in by password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
