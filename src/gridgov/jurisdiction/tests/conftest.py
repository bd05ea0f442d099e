"""The spatial index is cached per process; each test builds its own tree in a rolled-back
transaction, so the cache must not outlive the test that filled it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gridgov.jurisdiction.spatial import spatial_index_reset


@pytest.fixture(autouse=True)
def fresh_spatial_index() -> Iterator[None]:
    spatial_index_reset()
    yield
    spatial_index_reset()
