"""Every write to the jurisdiction tree and its layers.

Nodes are validated as a batch so a GeoJSON import and a single edit obey
the same rules and report every problem at once; the rules follow the NBS
code scheme (a child's code extends its parent's) and require each boundary
to lie inside its parent's, with a 1 % allowance for digitising slivers.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability
from gridgov.audit.actions import audit_record
from gridgov.core.errors import InvalidInput, NotFound, PermissionDenied, Problem
from gridgov.core.text import name_problem
from gridgov.jurisdiction.geometry import geometry_problems
from gridgov.jurisdiction.models import (
    CODE_LENGTH,
    BoundaryVersion,
    GridKind,
    GridOverlap,
    InstitutionKind,
    Layer,
    LayerKind,
    LayerUnit,
    Level,
    Node,
    parent_code_of,
)

if TYPE_CHECKING:
    from gridgov.accounts.models import User

# A child may stick out of its parent by this share of its own area
# (boundaries digitised separately never match exactly).
OUTSIDE_PARENT_TOLERANCE = 0.01
# A layer unit belongs to the deepest node holding at least this share of it.
HOLDER_SHARE = 0.99
# Overlaps smaller than this share of both the grid and the unit are slivers.
MIN_OVERLAP_SHARE = 0.001
NAME_MAX = 100
UNIT_CODE_MAX = 32


def boundary_version_bump() -> None:
    """Tell every process's spatial index that boundaries changed (rebuilt on next use).

    The step is random, not 1: a rolled-back bump followed by another one
    must not land on a version a process has already cached.
    """
    step = secrets.randbelow(2**31) + 1
    updated = BoundaryVersion.objects.filter(pk=1).update(version=F("version") + step)
    if not updated:
        BoundaryVersion.objects.create(pk=1, version=step)


@transaction.atomic
def nodes_bulk_create(*, actor: User | None, nodes: Iterable[Node], batch_size: int = 2000) -> int:
    """Insert many already-validated nodes at once (the demo seed, trusted loaders).

    Parents must be saved before their children; the caller orders them.
    One audit row records the whole batch.
    """
    created = Node.objects.bulk_create(list(nodes), batch_size=batch_size)
    audit_record(
        actor=actor, action="jurisdiction.nodes_bulk_create", detail={"count": len(created)}
    )
    boundary_version_bump()
    return len(created)


@dataclass
class NodeSpec:
    """A node as submitted, before it is written; `geometry` is None when it was refused."""

    code: str
    name: str
    level: int
    parent_code: str
    geometry: shapely.Geometry | None
    grid_kind: str = ""
    institution_kind: str = ""
    institution_name: str = ""
    population: int | None = None
    index: int | None = None


@dataclass(frozen=True)
class Known:
    """What validation needs of a node that is already stored."""

    code: str
    level: int
    geometry: shapely.Geometry


# Records one problem of a spec: (spec, code, message, field).
AddProblem = Callable[["NodeSpec", str, Any, str], None]


def actor_root(actor: User | None) -> str:
    """The code prefix an actor may write under; empty for trusted loaders and dev superusers.

    Every boundary write goes through here, so an account without the right
    to edit boundaries is refused whichever entry point it came through.
    """
    if actor is None:
        return ""
    if not actor.is_superuser and not actor.can(Capability.MANAGE_BOUNDARIES):
        raise PermissionDenied(_("Only a system administrator may edit boundaries."))
    code = actor.place_code
    if not code and not actor.is_superuser:
        raise NotFound(_("This account has no jurisdiction."), code="no_jurisdiction")
    return code


def known_nodes(codes: Iterable[str]) -> dict[str, Known]:
    # Every code against the whole tree: what lies outside the actor's root is refused after.
    rows = (
        Node.objects.unscoped().filter(code__in=set(codes)).values_list("code", "level", "boundary")
    )
    return {c: Known(c, lvl, shapely.from_wkb(bytes(b))) for c, lvl, b in rows}


def outside_share(inner: shapely.Geometry, outer: shapely.Geometry) -> float:
    area = shapely.area(inner)
    return float(shapely.area(shapely.difference(inner, outer)) / area) if area else 0.0


def node_problems(
    specs: Sequence[NodeSpec], *, stored: Mapping[str, Known], root: str, creating: bool
) -> list[Problem]:
    """Every rule a batch of nodes breaks; parents may be in the batch or already stored.

    With `creating`, a code already stored is a duplicate; otherwise it is an update.
    """
    problems: list[Problem] = []
    batch = {s.code: s for s in specs}
    seen: set[str] = set()

    def add(spec: NodeSpec, code: str, message: Any, field: str) -> None:
        problems.append(Problem(code, message, field=field, index=spec.index, item=spec.code))

    for spec in specs:
        if spec.code in seen:
            add(
                spec,
                "duplicate_code",
                _("The code %(code)s appears twice.") % {"code": spec.code},
                "code",
            )
            continue
        seen.add(spec.code)
        _own_problems(spec, root=root, add=add)
        if creating and spec.code in stored:
            add(
                spec,
                "duplicate_code",
                _("The code %(code)s already exists.") % {"code": spec.code},
                "code",
            )
        outside = bool(root) and not spec.code.startswith(root)
        if outside or spec.level not in Level.values or not spec.code.isdigit():
            continue
        parent = _parent_problems(spec, batch=batch, stored=stored, add=add)
        if parent is not None and spec.geometry is not None:
            share = outside_share(spec.geometry, parent)
            if share > OUTSIDE_PARENT_TOLERANCE:
                add(
                    spec,
                    "outside_parent",
                    _("%(share).1f %% of the boundary lies outside the parent %(parent)s.")
                    % {"share": share * 100, "parent": spec.parent_code},
                    "geometry",
                )
    return problems


def _own_problems(spec: NodeSpec, *, root: str, add: AddProblem) -> None:
    if not spec.code.isdigit():
        add(spec, "invalid_code", _("A code has digits only."), "code")
    if spec.level not in Level.values:
        add(spec, "invalid_level", _("Unknown level %(level)s.") % {"level": spec.level}, "level")
    elif len(spec.code) != CODE_LENGTH[spec.level]:
        add(
            spec,
            "invalid_code",
            _("A %(level)s code has %(n)d digits.")
            % {"level": Level(spec.level).label, "n": CODE_LENGTH[spec.level]},
            "code",
        )
    if root and not spec.code.startswith(root):
        add(spec, "outside_jurisdiction", _("This code lies outside your jurisdiction."), "code")
    if not spec.name.strip():
        add(spec, "required", _("A name is required."), "name")
    elif len(spec.name) > NAME_MAX:
        add(spec, "too_long", _("A name has at most 100 characters."), "name")
    for field in ("name", "institution_name"):
        bad = name_problem(getattr(spec, field))
        if bad is not None:
            add(spec, bad[0], bad[1], field)
    if spec.population is not None and (
        isinstance(spec.population, bool)
        or not isinstance(spec.population, int)
        or spec.population < 0
    ):
        add(spec, "invalid_population", _("Population is a whole number ≥ 0."), "population")
    if spec.level in Level.values:
        _kind_problems(spec, add)


def _kind_problems(spec: NodeSpec, add: AddProblem) -> None:
    if spec.level != Level.GRID:
        if spec.grid_kind or spec.institution_kind or spec.institution_name:
            add(spec, "grid_kind_not_allowed", _("Only grids have a grid kind."), "kind")
        return
    if spec.grid_kind not in GridKind.values:
        add(
            spec,
            "grid_kind_required",
            _("A grid is comprehensive or dedicated."),
            "kind",
        )
        return
    if spec.grid_kind == GridKind.DEDICATED:
        if spec.institution_kind not in InstitutionKind.values:
            add(
                spec,
                "institution_kind_required",
                _("A dedicated grid names its institution kind (%(kinds)s).")
                % {"kinds": ", ".join(InstitutionKind.values)},
                "institution_kind",
            )
        if not spec.institution_name.strip():
            add(
                spec,
                "institution_name_required",
                _("A dedicated grid names its institution."),
                "institution_name",
            )
    elif spec.institution_kind or spec.institution_name:
        add(
            spec,
            "institution_not_allowed",
            _("Only a dedicated grid has an institution."),
            "institution_kind",
        )


def _parent_problems(
    spec: NodeSpec, *, batch: Mapping[str, NodeSpec], stored: Mapping[str, Known], add: AddProblem
) -> shapely.Geometry | None:
    """Check the parent link; the parent's geometry when it can be compared."""
    if spec.level == Level.CITY:
        if spec.parent_code:
            add(spec, "unexpected_parent", _("A city has no parent."), "parent_code")
        return None
    if not spec.parent_code:
        add(spec, "parent_required", _("A parent code is required."), "parent_code")
        return None
    if spec.parent_code != parent_code_of(spec.code, spec.level):
        add(
            spec,
            "code_not_under_parent",
            _("The code %(code)s does not extend its parent's code %(parent)s.")
            % {"code": spec.code, "parent": spec.parent_code},
            "parent_code",
        )
        return None
    parent: NodeSpec | Known | None = batch.get(spec.parent_code) or stored.get(spec.parent_code)
    if parent is None:
        add(
            spec,
            "unknown_parent",
            _("No such parent: %(parent)s.") % {"parent": spec.parent_code},
            "parent_code",
        )
        return None
    if parent.level != spec.level - 1:
        add(
            spec,
            "wrong_level_order",
            _("A %(level)s must sit directly under a %(parent)s.")
            % {"level": Level(spec.level).label, "parent": Level(spec.level - 1).label},
            "level",
        )
        return None
    return parent.geometry


def children_problems(spec: NodeSpec, *, exclude: Iterable[str] = ()) -> list[Problem]:
    """A new boundary must still hold the node's stored children."""
    if spec.geometry is None:
        return []
    # The node's own children, the node already checked inside the actor's root.
    rows = (
        Node.objects.unscoped()
        .filter(parent__code=spec.code)
        .exclude(code__in=set(exclude))
        .values_list("code", "boundary")
    )
    problems = []
    for code, wkb in rows:
        share = outside_share(shapely.from_wkb(bytes(wkb)), spec.geometry)
        if share > OUTSIDE_PARENT_TOLERANCE:
            problems.append(
                Problem(
                    "child_outside",
                    _("%(share).1f %% of the child %(child)s would lie outside the new boundary.")
                    % {"share": share * 100, "child": code},
                    field="geometry",
                    index=spec.index,
                    item=spec.code,
                )
            )
    return problems


def wkb_of(geometry: shapely.Geometry) -> bytes:
    return bytes(shapely.to_wkb(geometry))


def _spec_geometry(boundary: Any, code: str) -> tuple[shapely.Geometry | None, list[Problem]]:
    if isinstance(boundary, shapely.Geometry):
        data = shapely.geometry.mapping(boundary)
        return geometry_problems(_as_lists(data), item=code)
    return geometry_problems(boundary, item=code)


def _as_lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_as_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    return value


@transaction.atomic
def node_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    level: int,
    parent_code: str = "",
    boundary: Any,
    grid_kind: str = "",
    institution_kind: str = "",
    institution_name: str = "",
    population: int | None = None,
) -> Node:
    """Create one node; `boundary` is a GeoJSON geometry (dict) or a shapely polygon.

    Without a parent code, the parent is the node whose code this one extends.
    """
    geometry, problems = _spec_geometry(boundary, code)
    if not parent_code and level in CODE_LENGTH:
        parent_code = parent_code_of(code, level)
    spec = NodeSpec(
        code=code,
        name=name,
        level=level,
        parent_code=parent_code,
        geometry=geometry,
        grid_kind=grid_kind,
        institution_kind=institution_kind,
        institution_name=institution_name,
        population=population,
    )
    problems += node_problems(
        [spec], stored=known_nodes([code, parent_code]), root=actor_root(actor), creating=True
    )
    if problems:
        raise InvalidInput(_("The node was not created."), problems=problems)
    node = new_node(spec, parent_id=_parent_id(parent_code))
    node.save()
    audit_record(actor=actor, action="jurisdiction.node_create", target=node)
    boundary_version_bump()
    return node


def _parent_id(parent_code: str) -> int | None:
    if not parent_code:
        return None
    # The parent of a node already checked inside the actor's root.
    return Node.objects.unscoped().values_list("id", flat=True).get(code=parent_code)


def new_node(spec: NodeSpec, *, parent_id: int | None) -> Node:
    """An unsaved node from a validated spec."""
    assert spec.geometry is not None  # noqa: S101 — validated by the caller
    return Node(
        code=spec.code,
        name=spec.name,
        level=spec.level,
        parent_id=parent_id,
        boundary=wkb_of(spec.geometry),
        grid_kind=spec.grid_kind,
        institution_kind=spec.institution_kind,
        institution_name=spec.institution_name,
        population=spec.population,
    )


def spec_of(node: Node) -> NodeSpec:
    return NodeSpec(
        code=node.code,
        name=node.name,
        level=node.level,
        parent_code=parent_code_of(node.code, node.level),
        geometry=node.geometry,
        grid_kind=node.grid_kind,
        institution_kind=node.institution_kind,
        institution_name=node.institution_name,
        population=node.population,
    )


def node_changes(node: Node, spec: NodeSpec) -> dict[str, Any]:
    """The fields a spec would change on a stored node (boundary compared as shapes)."""
    current = spec_of(node)
    changes: dict[str, Any] = {
        f: getattr(spec, f)
        for f in ("name", "grid_kind", "institution_kind", "institution_name", "population")
        if getattr(spec, f) != getattr(current, f)
    }
    if spec.geometry is not None and not shapely.equals_exact(
        spec.geometry, current.geometry, tolerance=1e-9
    ):
        changes["boundary"] = wkb_of(spec.geometry)
    return changes


@transaction.atomic
def node_update(
    *,
    actor: User | None,
    node: Node,
    name: str | None = None,
    boundary: Any = None,
    grid_kind: str | None = None,
    institution_kind: str | None = None,
    institution_name: str | None = None,
    population: int | None = None,
) -> Node:
    """Change a node's name, boundary, grid kind or population; None leaves a field as it is."""
    spec = spec_of(node)
    problems: list[Problem] = []
    if boundary is not None:
        spec.geometry, problems = _spec_geometry(boundary, node.code)
    for field, value in (
        ("name", name),
        ("grid_kind", grid_kind),
        ("institution_kind", institution_kind),
        ("institution_name", institution_name),
        ("population", population),
    ):
        if value is not None:
            setattr(spec, field, value)
    problems += node_problems(
        [spec],
        stored=known_nodes([spec.parent_code]),
        root=actor_root(actor),
        creating=False,
    )
    if boundary is not None:
        problems += children_problems(spec)
    if problems:
        raise InvalidInput(_("The node was not changed."), problems=problems)
    changes = node_changes(node, spec)
    if not changes:
        return node
    for field, value in changes.items():
        setattr(node, field, value)
    node.save()
    audit_record(
        actor=actor,
        action="jurisdiction.node_update",
        target=node,
        detail={"fields": sorted(changes)},
    )
    if "boundary" in changes:
        boundary_version_bump()
        if node.is_grid:
            overlaps_recompute(actor=actor, grid_codes=[node.code])
    return node


def layer_for(kind: str) -> Layer:
    layer, _created = Layer.objects.get_or_create(
        kind=kind, defaults={"name": str(LayerKind(kind).label)}
    )
    return layer


def holder_codes(
    geometries: Sequence[shapely.Geometry], nodes: Mapping[str, tuple[int, shapely.Geometry]]
) -> list[str | None]:
    """For each geometry, the deepest node holding ≥ 99 % of it (None when none does).

    `nodes` maps code → (level, geometry); one tree query covers every geometry.
    """
    if not nodes or not len(geometries):
        return [None] * len(geometries)
    codes = np.array(list(nodes), dtype=object)
    levels = np.array([nodes[c][0] for c in codes])
    node_geoms = np.array([nodes[c][1] for c in codes], dtype=object)
    geoms = np.array(geometries, dtype=object)
    gi, ni = shapely.STRtree(node_geoms).query(geoms, predicate="intersects")
    shared = shared_area(geoms[gi], node_geoms[ni])
    held = shared >= HOLDER_SHARE * shapely.area(geoms[gi])
    best: list[str | None] = [None] * len(geometries)
    depth = [0] * len(geometries)
    for g, n in zip(gi[held], ni[held], strict=True):
        if levels[n] > depth[g]:
            depth[g], best[g] = int(levels[n]), str(codes[n])
    return best


def stored_node_geometries() -> dict[str, tuple[int, shapely.Geometry]]:
    # The whole tree, to find where a shape falls; callers refuse a holder outside the root.
    rows = Node.objects.unscoped().values_list("code", "level", "boundary")
    codes, levels, wkbs = zip(*rows, strict=True) if rows else ((), (), ())
    geoms = shapely.from_wkb(np.array([bytes(w) for w in wkbs], dtype=object))
    return {c: (lvl, g) for c, lvl, g in zip(codes, levels, geoms, strict=True)}


@transaction.atomic
def layer_unit_upsert(
    *, actor: User | None, layer_kind: str, code: str, name: str, boundary: Any
) -> tuple[LayerUnit, bool]:
    """Create or change one overlay unit; it is filed under the deepest node that holds it."""
    geometry, problems = _spec_geometry(boundary, code)
    problems += unit_problems(layer_kind=layer_kind, code=code, name=name)
    holder = None
    if geometry is not None:
        holder = holder_codes([geometry], stored_node_geometries())[0]
        root = actor_root(actor)
        if holder is None or not holder.startswith(root):
            problems.append(outside_city_problem(code))
    if problems:
        raise InvalidInput(_("The layer unit was not saved."), problems=problems)
    assert geometry is not None  # noqa: S101 — no problems means a geometry
    unit, created = LayerUnit.objects.update_or_create(
        layer=layer_for(layer_kind),
        code=code,
        defaults={
            "name": name,
            "boundary": wkb_of(geometry),
            # The holder, already checked inside the actor's root.
            "node": Node.objects.unscoped().get(code=holder),
        },
    )
    audit_record(
        actor=actor,
        action="jurisdiction.layer_unit_create" if created else "jurisdiction.layer_unit_update",
        target=unit,
    )
    boundary_version_bump()
    overlaps_recompute(actor=actor, unit_ids=[unit.pk])
    return unit, created


def outside_city_problem(code: str, index: int | None = None) -> Problem:
    return Problem(
        "outside_city",
        _("The unit does not lie within one jurisdiction node (99 % of it inside)."),
        field="geometry",
        index=index,
        item=code,
    )


def unit_problems(
    *, layer_kind: str, code: str, name: str, index: int | None = None
) -> list[Problem]:
    found: list[tuple[str, str, str | Promise]] = []
    if layer_kind not in LayerKind.values:
        found.append(
            ("level", "invalid_layer", _("Unknown layer %(kind)s.") % {"kind": layer_kind})
        )
    if not code.strip() or len(code) > UNIT_CODE_MAX:
        found.append(("code", "invalid_code", _("A unit code has 1 to 32 characters.")))
    elif (bad_code := name_problem(code)) is not None:
        found.append(("code", *bad_code))
    if not name.strip() or len(name) > NAME_MAX:
        found.append(("name", "required", _("A name of 1 to 100 characters is required.")))
    elif (bad := name_problem(name)) is not None:
        found.append(("name", *bad))
    return [Problem(c, m, field=f, index=index, item=code) for f, c, m in found]


@transaction.atomic
def overlaps_recompute(
    *,
    actor: User | None = None,
    layer_kinds: Iterable[str] | None = None,
    grid_codes: Iterable[str] | None = None,
    unit_ids: Iterable[int] | None = None,
) -> int:
    """Rebuild the grid ↔ layer-unit shares ("网格+警格" fusion) for the given scope.

    With no arguments every layer is recomputed; narrowing to grids or units
    keeps a single edit cheap. One tree query and one vectorised overlay do
    the whole city in seconds.
    """
    # The shares are the city's, recomputed whoever's edit asked for them.
    grids = Node.objects.unscoped().filter(level=Level.GRID)
    units = LayerUnit.objects.unscoped()
    overlaps = GridOverlap.objects.unscoped()
    kinds = None if layer_kinds is None else sorted(layer_kinds)
    if kinds is not None:
        units = units.filter(layer__kind__in=kinds)
        overlaps = overlaps.filter(unit__layer__kind__in=kinds)
    if grid_codes is not None:
        codes = list(grid_codes)
        grids = grids.filter(code__in=codes)
        overlaps = overlaps.filter(grid__code__in=codes)
    if unit_ids is not None:
        ids = list(unit_ids)
        units = units.filter(id__in=ids)
        overlaps = overlaps.filter(unit_id__in=ids)
    overlaps.delete()
    grid_ids, grid_geoms = _ids_and_geometries(grids.values_list("id", "boundary"))
    unit_pks, unit_geoms = _ids_and_geometries(units.values_list("id", "boundary"))
    rows: list[GridOverlap] = []
    if len(grid_ids) and len(unit_pks):
        ui, gi = shapely.STRtree(grid_geoms).query(unit_geoms, predicate="intersects")
        shared = shared_area(unit_geoms[ui], grid_geoms[gi])
        grid_share = shared / shapely.area(grid_geoms)[gi]
        unit_share = shared / shapely.area(unit_geoms)[ui]
        keep = (grid_share > MIN_OVERLAP_SHARE) | (unit_share > MIN_OVERLAP_SHARE)
        rows = [
            GridOverlap(grid_id=int(g), unit_id=int(u), grid_share=float(gs), unit_share=float(us))
            for g, u, gs, us in zip(
                grid_ids[gi[keep]],
                unit_pks[ui[keep]],
                grid_share[keep],
                unit_share[keep],
                strict=True,
            )
        ]
        GridOverlap.objects.bulk_create(rows, batch_size=5000)
    audit_record(
        actor=actor,
        action="jurisdiction.overlaps_recompute",
        detail={"rows": len(rows), "layers": kinds if kinds is not None else "all"},
    )
    return len(rows)


def shared_area(a: Any, b: Any) -> Any:
    """Pairwise area of a ∩ b, skipping the costly overlay where one polygon holds the other."""
    shapely.prepare(a)
    shapely.prepare(b)
    out = np.empty(len(a))
    a_in_b = shapely.contains_properly(b, a)
    b_in_a = ~a_in_b & shapely.contains_properly(a, b)
    rest = ~(a_in_b | b_in_a)
    out[a_in_b] = shapely.area(a[a_in_b])
    out[b_in_a] = shapely.area(b[b_in_a])
    out[rest] = shapely.area(shapely.intersection(a[rest], b[rest]))
    return out


def _ids_and_geometries(rows: Iterable[tuple[int, bytes | memoryview]]) -> tuple[Any, Any]:
    pairs = list(rows)
    ids = np.array([pk for pk, _w in pairs], dtype=np.int64)
    geoms = shapely.from_wkb(np.array([bytes(w) for _pk, w in pairs], dtype=object))
    return ids, geoms
