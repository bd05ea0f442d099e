"""The trail of places above a page's node, as the pages of every domain show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.selectors import node_path, scope_root

if TYPE_CHECKING:
    from gridgov.accounts.models import User


@dataclass(frozen=True)
class Crumb:
    node: Node
    linked: bool


def breadcrumbs(user: User, node: Node) -> list[Crumb]:
    """The path to a node; ancestors above the user's jurisdiction are named, not linked (404)."""
    root = scope_root(user)
    return [Crumb(step, step != node and root.contains_code(step.code)) for step in node_path(node)]
