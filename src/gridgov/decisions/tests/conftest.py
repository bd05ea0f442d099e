"""Decisions to test against: the shared accounts plus two engaged assessors of the district
(one assigned in the tests, one not) and one of the sibling district."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.testing.decisions import make_assessor
from gridgov.testing.tree import Tree


@pytest.fixture
def people(users: dict[str, User], tree: Tree) -> dict[str, Any]:
    return {
        **users,
        "assessor": make_assessor("tp1", tree["320104"]),
        "other_assessor": make_assessor("tp2", tree["320104"], "金陵评估事务所"),
        "far_assessor": make_assessor("tp3", tree["320105"], "建邺评估中心"),
    }
