from __future__ import annotations

from typing import Any

import pytest

from gridgov.registry.tests.factories import Records, make_records


@pytest.fixture
def records(users: dict[str, Any]) -> Records:
    return make_records(users["community_staff"])
