"""Every read of the jurisdiction tree, scoped to the caller.

A node is visible to a user when its code starts with the code of the
user's scope node; anything else answers NotFound, so the existence of a
sibling's records is never revealed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.jurisdiction.models import Layer, LayerUnit, Level, Node

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def scope_root(user: User) -> Node:
    """The root of the user's jurisdiction; a superuser in development sees the whole city."""
    node = user.scope_node
    if node is None:
        root = Node.objects.filter(parent__isnull=True).order_by("code").first()
        if root is None or not user.is_superuser:
            raise NotFound(_("This account has no jurisdiction."), code="no_jurisdiction")
        return root
    return node


def nodes_visible(user: User) -> QuerySet[Node]:
    return Node.objects.filter(code__startswith=scope_root(user).code)


def node_get(user: User, code: str) -> Node:
    node = nodes_visible(user).filter(code=code).select_related("parent").first()
    if node is None:
        raise NotFound(_("No such jurisdiction node: %(code)s") % {"code": code}, code="node_not_found")
    return node


def node_children(user: User, node: Node) -> QuerySet[Node]:
    """Children of a node already fetched through node_get."""
    return nodes_visible(user).filter(parent=node).annotate(child_count=Count("children"))


def node_path(node: Node) -> list[Node]:
    """The node and its ancestors, top first, for breadcrumbs."""
    by_code = {n.code: n for n in Node.objects.filter(code__in=node.ancestor_codes())}
    return [by_code[c] for c in node.ancestor_codes() if c in by_code] + [node]


def node_level_counts(node: Node) -> dict[int, int]:
    """How many nodes of each level lie below a node."""
    rows = (
        Node.objects.filter(code__startswith=node.code)
        .exclude(pk=node.pk)
        .values_list("level")
        .annotate(n=Count("id"))
    )
    return {level: n for level, n in rows}


def grids_visible(user: User) -> QuerySet[Node]:
    return nodes_visible(user).filter(level=Level.GRID)


def layers_all() -> QuerySet[Layer]:
    return Layer.objects.all()


def layer_units_visible(user: User) -> QuerySet[LayerUnit]:
    """Units owned inside the user's tree, or touching one of its grids."""
    root = scope_root(user).code
    return (
        LayerUnit.objects.filter(Q(node__code__startswith=root) | Q(overlaps__grid__code__startswith=root))
        .distinct()
        .select_related("layer", "node")
    )
