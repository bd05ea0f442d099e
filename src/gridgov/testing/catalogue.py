"""The event catalogue the tests of several packages load: the one the project ships."""

from __future__ import annotations

import importlib.resources
import json
from typing import Any


def default_catalogue() -> Any:
    source = importlib.resources.files("gridgov.events.data") / "catalogue.json"
    return json.loads(source.read_text(encoding="utf-8"))
