from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gridgov.insight.actions import index_define
from gridgov.insight.indices import ComponentSpec
from gridgov.insight.models import Direction, FigureKind, Index, NodeMonth, Normalisation
from gridgov.testing.tree import Tree

SUBDISTRICT = "320104001"


@pytest.fixture
def crime(tree: Tree) -> FigureKind:
    return FigureKind.objects.create(
        code="crime", name="刑事案件发案率", unit="‰", plausible_min=0, plausible_max=20
    )


@pytest.fixture
def index(crime: FigureKind) -> Index:
    """The hand-worked index of test_indices over the subdistricts."""
    return index_define(
        actor=None,
        code="safety",
        name="平安稳定指数",
        levels=[3],
        components=[
            ComponentSpec(
                "closure_rate", Direction.HIGHER_BETTER, 50, Normalisation.RANGE, 60, 100
            ),
            ComponentSpec(
                "events_per_1000", Direction.LOWER_BETTER, 30, Normalisation.RANGE, 0, 20
            ),
            ComponentSpec("figure:crime", Direction.LOWER_BETTER, 20, Normalisation.PEERS),
        ],
    )


def put(tree: Tree, code: str, month: date, **values: Any) -> None:
    for measure, value in values.items():
        NodeMonth.objects.update_or_create(
            node=tree[code], month=month, measure=measure.replace("__", ":"),
            defaults={"value": value},
        )  # fmt: skip
