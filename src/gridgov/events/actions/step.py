"""What one command changes besides status, stamp and version, as its effect builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gridgov.accounts.models import User
from gridgov.core.errors import ProblemList
from gridgov.events.models import Event


@dataclass
class _Step:
    """What a command changes besides status, stamp and version."""

    actor: User
    event: Event
    payload: dict[str, Any]
    problems: ProblemList = field(default_factory=ProblemList)
    updates: dict[str, Any] = field(default_factory=dict)
    extend_by: int | None = None
