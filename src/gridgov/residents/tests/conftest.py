"""A resident's world: the box tree, the default catalogue, photos landing in tmp, and no
outline cached from another test's rolled-back tree."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridgov.events.actions import catalogue_load
from gridgov.events.tests.conftest import default_catalogue
from gridgov.residents.selectors import public_outline_reset
from gridgov.testing.tree import Tree


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def fresh_outline() -> Iterator[None]:
    """The box tree never bumps the boundary version, so every test would read the first one's
    outline."""
    public_outline_reset()
    yield
    public_outline_reset()


@pytest.fixture
def catalogue(tree: Tree) -> None:
    catalogue_load(actor=None, data=default_catalogue())
