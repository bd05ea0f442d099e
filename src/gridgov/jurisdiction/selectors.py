"""Every read of the jurisdiction tree, scoped to the caller.

A node is visible to a user when its code starts with the code of the
user's scope node; anything else answers NotFound, so the existence of a
sibling's records is never revealed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput, NotFound, Problem
from gridgov.core.scope import PUBLIC, Scope, ScopedQuerySet
from gridgov.jurisdiction.crs import to_wgs84_many
from gridgov.jurisdiction.models import CODE_LENGTH, GridOverlap, Layer, LayerUnit, Level, Node
from gridgov.jurisdiction.spatial import Location, locate_detail, served_bounds

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def account_node(user: User) -> Node | None:
    """The node an account sits on, or its department's node; None for neither."""
    if user.node_id is not None:
        return user.node
    if user.department_id is not None:
        return user.department.node  # type: ignore[union-attr]
    return None


def scope_root(user: User) -> Node:
    """The root of the user's jurisdiction; a superuser in development sees the whole city. A
    limited account (a third-party assessor) has none: it sees only its assignments."""
    if getattr(user, "sees_only_assignments", False):
        raise NotFound(_("This account has no jurisdiction."), code="no_jurisdiction")
    node = account_node(user)
    if node is None:
        # Above every scope: the root the account's scope starts from.
        node = Node.objects.unscoped().filter(code=user.scope.prefix).first()
        if node is None:
            raise NotFound(_("This account has no jurisdiction."), code="no_jurisdiction")
    return node


def scope_of(user: User | Any) -> Scope:
    """The caller's scope: the account's own (`User.scope`), or the public's for an anonymous
    caller."""
    if not getattr(user, "is_authenticated", False):
        return PUBLIC
    scope: Scope = user.scope
    return scope


def nodes_visible(user: User) -> ScopedQuerySet[Node]:
    return Node.objects.visible_to(scope_of(user))


def node_get(user: User, code: str) -> Node:
    node = nodes_visible(user).filter(code=code).select_related("parent").first()
    if node is None:
        raise NotFound(
            _("No such jurisdiction node: %(code)s") % {"code": code}, code="node_not_found"
        )
    return node


def node_children(user: User, node: Node) -> QuerySet[Node]:
    """Children of a node already fetched through node_get."""
    return nodes_visible(user).filter(parent=node).annotate(child_count=Count("children"))


def node_path(node: Node) -> list[Node]:
    """The node and its ancestors, top first, for breadcrumbs."""
    # Above the caller's root by definition; breadcrumbs cut the path at the scope's root.
    ancestors = Node.objects.unscoped().filter(code__in=node.ancestor_codes())
    by_code = {n.code: n for n in ancestors}
    return [by_code[c] for c in node.ancestor_codes() if c in by_code] + [node]


def node_level_counts(node: Node) -> dict[int, int]:
    """How many nodes of each level lie below a node."""
    rows = (
        Node.objects.visible_to(Scope.under(node))
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
    return LayerUnit.objects.visible_to(scope_of(user)).select_related("layer", "node")


def layer_get(kind: str) -> Layer:
    layer = Layer.objects.filter(kind=kind).first()
    if layer is None:
        raise NotFound(_("No such layer: %(kind)s") % {"kind": kind}, code="layer_not_found")
    return layer


def layer_units_of(user: User, layer: Layer) -> QuerySet[LayerUnit]:
    return layer_units_visible(user).filter(layer=layer).order_by("code")


def unit_get(user: User, layer_kind: str, code: str) -> LayerUnit:
    unit = layer_units_visible(user).filter(layer__kind=layer_kind, code=code).first()
    if unit is None:
        raise NotFound(
            _("No such layer unit: %(code)s") % {"code": code}, code="layer_unit_not_found"
        )
    return unit


def grid_overlaps(user: User, grid: Node) -> QuerySet[GridOverlap]:
    """The layer units covering a grid, with the share of each side."""
    if not scope_of(user).covers(grid.code):
        raise NotFound(
            _("No such jurisdiction node: %(code)s") % {"code": grid.code}, code="node_not_found"
        )
    return (
        GridOverlap.objects.visible_to(scope_of(user))
        .filter(grid=grid)
        .select_related("unit__layer")
        .order_by("unit__layer__kind", "-grid_share")
    )


@dataclass
class TreeNode:
    node: Node
    children: list[TreeNode] = field(default_factory=list)


MAX_TREE_DEPTH = 5


def node_tree(user: User, depth: int) -> TreeNode:
    """The caller's tree from its scope root, `depth` levels deep, in two queries at most."""
    root = scope_root(user)
    depth = max(0, min(depth, MAX_TREE_DEPTH))
    rows = (
        nodes_visible(user)
        .filter(level__gt=root.level, level__lte=root.level + depth)
        .order_by("level", "code")
    )
    top = TreeNode(root)
    by_code = {root.code: top}
    for node in rows:
        parent = by_code.get(node.code[: CODE_LENGTH[node.level - 1]])
        if parent is not None:
            by_code[node.code] = TreeNode(node)
            parent.children.append(by_code[node.code])
    return top


@dataclass(frozen=True)
class PointLocation:
    """A located point: its WGS84 position, deepest node, grid and overlay units."""

    lon: float
    lat: float
    node: Node
    grid: Node | None
    units: list[LayerUnit]


MAX_POINTS = 10_000


def locate_point(within: Node, lon: float, lat: float, crs: str = "wgs84") -> PointLocation:
    [answer] = locate_points(within, [(lon, lat)], crs)
    if isinstance(answer, Problem):
        error = NotFound if answer.code == "outside_jurisdiction" else InvalidInput
        raise error(answer.message, code=answer.code)
    return answer


def locate_points(
    within: Node, points: Sequence[Sequence[float]], crs: str = "wgs84"
) -> list[PointLocation | Problem]:
    """Locate up to 10,000 points; each answer is a location or the problem with that point
    (a point outside the tree under `within` is outside the jurisdiction).

    `within` is a node, not an account: a resident's report is bounded by the served area."""
    if not 1 <= len(points) <= MAX_POINTS:
        raise InvalidInput(
            _("Send between 1 and %(max)d points.") % {"max": MAX_POINTS}, code="too_many_points"
        )
    raw = np.array([_coordinates(p) for p in points], dtype=float).reshape(-1, 2)
    lons, lats = to_wgs84_many(raw[:, 0], raw[:, 1], crs)
    usable = np.isfinite(lons) & np.isfinite(lats)
    found = dict(
        zip(
            np.flatnonzero(usable).tolist(),
            locate_detail(lons[usable], lats[usable]),
            strict=True,
        )
    )
    root = within.code
    nodes, units = _located_rows(found.values(), root)
    answers: list[PointLocation | Problem] = []
    for i in range(len(points)):
        where = found.get(i)
        message: str | Promise
        if where is None:
            code, message = "invalid_coordinates", _("A point is [longitude, latitude] in numbers.")
        elif where.node_code is None:
            code, message = "outside_city", _("The point lies outside the city.")
        elif not where.node_code.startswith(root):
            code, message = "outside_jurisdiction", _("The point lies outside your jurisdiction.")
        elif where.node_code not in nodes:
            # The index is a moment older than a boundary change; ask again shortly.
            code, message = "outside_city", _("The point lies outside the city.")
        else:
            answers.append(
                PointLocation(
                    lon=float(lons[i]),
                    lat=float(lats[i]),
                    node=nodes[where.node_code],
                    grid=nodes.get(where.grid_code or ""),
                    units=[units[k] for k in sorted(where.unit_codes.items()) if k in units],
                )
            )
            continue
        answers.append(Problem(code, message, field="points", index=i))
    return answers


def _coordinates(point: Sequence[float]) -> tuple[float, float]:
    """A [lon, lat] pair; anything else becomes NaN and is reported for that point alone."""
    try:
        lon, lat = point
        return float(lon), float(lat)
    except (TypeError, ValueError):
        return math.nan, math.nan


def _located_rows(
    found: Iterable[Location], root: str
) -> tuple[dict[str, Node], dict[tuple[str, str], LayerUnit]]:
    """Fetch every node and unit the points landed in: one query, and one per layer."""
    codes: set[str] = set()
    unit_keys: set[tuple[str, str]] = set()
    for where in found:
        if where.node_code is not None and where.node_code.startswith(root):
            codes.add(where.node_code)
            if where.grid_code:
                codes.add(where.grid_code)
            unit_keys.update(where.unit_codes.items())
    # Where the points fell, inside the scope or not: locate_points answers each one.
    nodes = Node.objects.unscoped().in_bulk(codes, field_name="code") if codes else {}
    by_kind: dict[str, set[str]] = {}
    for kind, code in unit_keys:
        by_kind.setdefault(kind, set()).add(code)
    units: dict[tuple[str, str], LayerUnit] = {}
    for kind, unit_codes in by_kind.items():
        rows = LayerUnit.objects.unscoped().filter(layer__kind=kind, code__in=unit_codes)
        for unit in rows.select_related("layer"):
            units[kind, unit.code] = unit
    return nodes, units


@dataclass(frozen=True)
class TreeIssue:
    """Two siblings that overlap, or part of a parent that no child covers."""

    kind: str
    codes: tuple[str, ...]
    share: float

    @property
    def message(self) -> str:
        if self.kind == "gap":
            return str(
                _("%(share).2f %% of %(code)s is covered by none of its children.")
                % {"share": self.share * 100, "code": self.codes[0]}
            )
        return str(
            _("%(a)s and %(b)s overlap on %(share).2f %% of the smaller one.")
            % {"a": self.codes[0], "b": self.codes[1], "share": self.share * 100}
        )


# Digitised boundaries never tile perfectly; below this share a gap or an
# overlap is a sliver, not a mistake.
TREE_TOLERANCE = 0.001


def tree_report(node: Node, *, tolerance: float = TREE_TOLERANCE) -> list[TreeIssue]:
    """Sibling overlaps and uncovered parent area in the subtree under a node."""
    rows = Node.objects.visible_to(Scope.under(node)).values_list("code", "level", "boundary")
    geoms: dict[str, shapely.Geometry] = {}
    children: dict[str, list[str]] = {}
    for code, level, wkb in rows:
        geoms[code] = shapely.from_wkb(bytes(wkb))
        if code != node.code:
            children.setdefault(code[: CODE_LENGTH[level - 1]], []).append(code)
    issues: list[TreeIssue] = []
    for parent, kids in sorted(children.items()):
        if parent not in geoms:
            continue
        issues.extend(_sibling_issues(parent, sorted(kids), geoms, tolerance))
    return issues


def _sibling_issues(
    parent: str, kids: list[str], geoms: dict[str, shapely.Geometry], tolerance: float
) -> list[TreeIssue]:
    shapes = np.array([geoms[k] for k in kids], dtype=object)
    issues = []
    outer = geoms[parent]
    gap = shapely.area(shapely.difference(outer, shapely.union_all(shapes))) / shapely.area(outer)
    if gap > tolerance:
        issues.append(TreeIssue("gap", (parent,), float(gap)))
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    shared = shapely.area(shapely.intersection(shapes[left], shapes[right]))
    smaller = np.minimum(shapely.area(shapes[left]), shapely.area(shapes[right]))
    for a, b, share in zip(left, right, shared / smaller, strict=True):
        if share > tolerance:
            issues.append(TreeIssue("overlap", (kids[a], kids[b]), float(share)))
    return issues


def map_bounds(root: Node) -> str:
    """ "south,west,north,east" a map for reporting opens on: the grids under `root`, since a
    point outside every grid is refused; the root's own box only while no grid is drawn yet."""
    x0, y0, x1, y1 = served_bounds(root.code) or root.geometry.bounds
    return f"{y0},{x0},{y1},{x1}"
