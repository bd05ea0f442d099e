"""Boundaries imported from a GeoJSON FeatureCollection, as gridgov.jurisdiction.geojson_io
reads and checks it: every problem reported and nothing written, or all written at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shapely
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gridgov.audit.actions import audit_record
from gridgov.core.errors import InvalidInput
from gridgov.jurisdiction import actions, geojson_io
from gridgov.jurisdiction.geojson_io import ImportResult, UnitSpec
from gridgov.jurisdiction.models import LayerUnit, Level, Node

if TYPE_CHECKING:
    from gridgov.accounts.models import User


@transaction.atomic
def boundaries_import(*, actor: User | None, data: bytes | str | dict[str, Any]) -> ImportResult:
    """Import nodes and layer units; every problem or nothing written.

    A feature without a level or parent code takes those its code implies;
    `grid_kind` is accepted for `kind`, the model's own name for it.
    """
    features = geojson_io.features_of(data)
    nodes, units, problems = geojson_io.parse(features)
    root = actions.actor_root(actor)
    stored = actions.known_nodes({s.code for s in nodes} | {s.parent_code for s in nodes})
    problems += actions.node_problems(nodes, stored=stored, root=root, creating=False)
    batch_codes = {s.code for s in nodes}
    for spec in nodes:
        known = stored.get(spec.code)
        if (
            known is not None
            and spec.geometry is not None
            and not shapely.equals_exact(spec.geometry, known.geometry, tolerance=1e-9)
        ):
            problems += actions.children_problems(spec, exclude=batch_codes)
    holders = geojson_io.unit_holders(units, nodes, root, problems)
    if problems:
        problems.sort(key=lambda p: (p.index if p.index is not None else -1, p.field))
        raise InvalidInput(
            _("Nothing was imported: %(n)d problems were found.") % {"n": len(problems)},
            problems=problems,
        )
    result = ImportResult()
    grids_changed = _write_nodes(nodes, result)
    _write_units(units, holders, result)
    if result.created or result.updated:
        actions.boundary_version_bump()
        kinds = None if grids_changed else sorted(result.layers)
        if kinds is None or kinds:
            actions.overlaps_recompute(actor=actor, layer_kinds=kinds)
    audit_record(actor=actor, action="jurisdiction.import_geojson", detail=result.as_dict())
    return result


def _write_nodes(specs: list[actions.NodeSpec], result: ImportResult) -> bool:
    """Write nodes level by level, new ones in bulk; True when a grid's boundary moved."""
    # The batch's nodes and parents, every one checked inside the actor's root before.
    nodes = Node.objects.unscoped()
    existing = nodes.in_bulk([s.code for s in specs], field_name="code")
    ids = dict(nodes.filter(code__in={s.parent_code for s in specs}).values_list("code", "id"))
    grids_changed = False
    for level in sorted({s.level for s in specs}):
        fresh = []
        for spec in (s for s in specs if s.level == level):
            node = existing.get(spec.code)
            if node is None:
                fresh.append(actions.new_node(spec, parent_id=ids.get(spec.parent_code)))
                continue
            changes = actions.node_changes(node, spec)
            if not changes:
                result.unchanged += 1
                continue
            for name, value in changes.items():
                setattr(node, name, value)
            node.save()
            result.updated += 1
            grids_changed |= node.is_grid and "boundary" in changes
        Node.objects.bulk_create(fresh, batch_size=2000)
        if fresh:
            ids.update(nodes.filter(code__in=[n.code for n in fresh]).values_list("code", "id"))
        result.created += len(fresh)
        grids_changed |= level == Level.GRID and bool(fresh)
    return grids_changed


def _write_units(units: list[UnitSpec], holders: dict[int, str], result: ImportResult) -> None:
    # The holders, each checked inside the actor's root before.
    holder_nodes = Node.objects.unscoped().filter(code__in=set(holders.values()))
    node_ids = dict(holder_nodes.values_list("code", "id"))
    layers = {kind: actions.layer_for(kind) for kind in {u.layer_kind for u in units}}
    existing = {
        (u.layer.kind, u.code): u
        # The batch's own units, placed inside the actor's root before.
        for u in LayerUnit.objects.unscoped()
        .filter(layer__in=layers.values(), code__in=[u.code for u in units])
        .select_related("layer")
    }
    for spec in units:
        assert spec.geometry is not None  # noqa: S101 — validated before writing
        wanted = {
            "name": spec.name,
            "node_id": node_ids[holders[spec.index]],
        }
        unit = existing.get((spec.layer_kind, spec.code))
        if unit is None:
            LayerUnit.objects.create(
                layer=layers[spec.layer_kind],
                code=spec.code,
                boundary=actions.wkb_of(spec.geometry),
                **wanted,
            )
            result.created += 1
            result.layers.add(spec.layer_kind)
            continue
        moved = not shapely.equals_exact(spec.geometry, unit.geometry, tolerance=1e-9)
        changed = moved or any(getattr(unit, k) != v for k, v in wanted.items())
        if not changed:
            result.unchanged += 1
            continue
        for k, v in wanted.items():
            setattr(unit, k, v)
        if moved:
            unit.boundary = actions.wkb_of(spec.geometry)
            result.layers.add(spec.layer_kind)
        unit.save()
        result.updated += 1
