"""The spatial index is cached per process; each test builds its own tree in a rolled-back
transaction, so the cache must not outlive the test that filled it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gridgov.jurisdiction.spatial import spatial_index_reset


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The shared `users` fixture hashes ten passwords; argon2 makes that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_spatial_index() -> Iterator[None]:
    spatial_index_reset()
    yield
    spatial_index_reset()
