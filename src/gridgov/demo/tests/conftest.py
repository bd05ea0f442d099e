from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Every seed imports its registry, and the failed import keeps its file for a resume:
    in the test's own folder, not the worktree's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
