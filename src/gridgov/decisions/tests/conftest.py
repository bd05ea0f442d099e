"""Decisions to test against: the shared accounts plus two engaged assessors of the district
(one assigned in the tests, one not) and one of the sibling district."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.decisions.models import DecisionCategory
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


SHIPPED = importlib.import_module("gridgov.decisions.migrations.0002_categories_and_log_trigger")


@pytest.fixture(autouse=True)
def categories(request: pytest.FixtureRequest) -> None:
    """The categories a migration ships: a transactional test (a browser's) that ran before on
    the same worker flushed them, so every test here puts them back as the migration did."""
    database = next((n for n in ("transactional_db", "db") if n in request.fixturenames), None)
    if database is not None:
        request.getfixturevalue(database)
    elif request.node.get_closest_marker("django_db") is None:
        return
    for code, name, required, experts in SHIPPED.CATEGORIES:
        DecisionCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "required_assessment": required,
                "expert_review_required": experts,
            },
        )
