"""A resident's world: the box tree, the default catalogue, photos landing in tmp."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gridgov.events.actions.catalogue import catalogue_load
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.tree import Tree


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def catalogue(tree: Tree) -> None:
    catalogue_load(actor=None, data=default_catalogue())
