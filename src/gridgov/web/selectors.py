"""Reads that bring several domains together, for the pages at the top."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from gridgov.registry.selectors import GridRegistry, grid_registry
from gridgov.verification.selectors import GridStats, grid_figures

if TYPE_CHECKING:
    from gridgov.accounts.models import User
    from gridgov.jurisdiction.models import Node


@dataclass(frozen=True)
class BlockCard(GridRegistry):
    """A grid's block data (块数据): the registry's counts and how much of it is verified.

    Composed here, above both: the registry must not read verification, which
    reads the registry.
    """

    verification: GridStats


def grid_block_card(user: User, grid: Node) -> BlockCard:
    """The registry's counts, and the verification figures as the verification page has them."""
    figures = grid_registry(user, grid)
    return BlockCard(
        **{f.name: getattr(figures, f.name) for f in fields(figures)},
        verification=grid_figures(user, figures.grid),
    )
