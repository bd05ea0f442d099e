from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gridgov.addresses.actions import library_generate
from gridgov.addresses.matcher import matcher_index_reset
from gridgov.testing.tree import Tree


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    matcher_index_reset()
    yield
    matcher_index_reset()


@pytest.fixture
def library(tree: Tree, db: Any) -> Tree:
    """The small demo library over the box tree: ~1,000 addresses in 8 grids."""
    library_generate(actor=None, scale="small", seed=3)
    return tree
