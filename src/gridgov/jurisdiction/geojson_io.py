"""Import and export of boundaries as GeoJSON FeatureCollections.

Departments hand over boundaries as one file per district or per layer,
often re-sent with a few corrections. An import therefore accepts features
in any order (a parent may come after its children), writes nothing unless
every feature is valid, reports every problem by feature, and treats a
re-sent file as a no-op for the features that did not change. This module
reads and checks a file and writes one out; the import itself is the action
gridgov.jurisdiction.actions.boundaries.boundaries_import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import shapely
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput, Problem
from gridgov.core.scope import Scope
from gridgov.jurisdiction import actions
from gridgov.jurisdiction.geometry import geometry_problems
from gridgov.jurisdiction.models import (
    CODE_LENGTH,
    LayerKind,
    LayerUnit,
    Level,
    Node,
    parent_code_of,
)
from gridgov.jurisdiction.selectors import (
    layer_get,
    node_get,
    scope_root,
)

if TYPE_CHECKING:
    from gridgov.accounts.models import User

LEVEL_NAMES: dict[str, int] = {level.name.lower(): level.value for level in Level}
LEVEL_BY_CODE_LENGTH: dict[int, str] = {
    n: Level(lvl).name.lower() for lvl, n in CODE_LENGTH.items()
}


@dataclass
class UnitSpec:
    layer_kind: str
    code: str
    name: str
    geometry: shapely.Geometry | None
    index: int


@dataclass
class ImportResult:
    """What an import changed; `layers` are the overlay layers whose boundaries moved."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    layers: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _malformed(message: Any) -> InvalidInput:
    return InvalidInput(message, code="malformed_geojson")


def features_of(data: bytes | str | dict[str, Any]) -> list[Any]:
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _malformed(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _malformed(_("A GeoJSON FeatureCollection is expected."))
    features = data.get("features")
    if not isinstance(features, list):
        raise _malformed(_("The FeatureCollection has no list of features."))
    return features


def _text(props: dict[str, Any], key: str) -> str:
    value = props.get(key)
    return "" if value is None else str(value).strip()


def parse(
    features: list[Any],
) -> tuple[list[actions.NodeSpec], list[UnitSpec], list[Problem]]:
    nodes: list[actions.NodeSpec] = []
    units: list[UnitSpec] = []
    problems: list[Problem] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem("malformed_feature", _("Not a GeoJSON Feature."), index=index))
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        code = _text(props, "code")
        geometry, found = geometry_problems(feature.get("geometry"), index=index, item=code)
        problems.extend(found)
        level = _text(props, "level") or LEVEL_BY_CODE_LENGTH.get(len(code), "")
        name = _text(props, "name")
        if level in LayerKind.values:
            units.append(UnitSpec(level, code, name, geometry, index))
            problems.extend(
                actions.unit_problems(layer_kind=level, code=code, name=name, index=index)
            )
            continue
        if level not in LEVEL_NAMES:
            problems.append(
                Problem(
                    "invalid_level",
                    _("Unknown level %(level)s; use one of %(known)s.")
                    % {"level": level, "known": ", ".join([*LEVEL_NAMES, *LayerKind.values])},
                    field="level",
                    index=index,
                    item=code,
                )
            )
            continue
        population = props.get("population")
        if population is not None and not isinstance(population, int):
            problems.append(
                Problem(
                    "invalid_population",
                    _("Population is a whole number ≥ 0."),
                    field="population",
                    index=index,
                    item=code,
                )
            )
            population = None
        nodes.append(
            actions.NodeSpec(
                code=code,
                name=name,
                level=LEVEL_NAMES[level],
                parent_code=_text(props, "parent_code") or parent_code_of(code, LEVEL_NAMES[level]),
                geometry=geometry,
                grid_kind=_text(props, "kind") or _text(props, "grid_kind"),
                institution_kind=_text(props, "institution_kind"),
                institution_name=_text(props, "institution_name"),
                population=population,
                index=index,
            )
        )
    return nodes, units, problems


def unit_holders(
    units: list[UnitSpec], nodes: list[actions.NodeSpec], root: str, problems: list[Problem]
) -> dict[int, str]:
    """The holding node of each unit, against stored nodes as the batch would change them."""
    merged = actions.stored_node_geometries()
    for spec in nodes:
        if spec.geometry is not None:
            merged[spec.code] = (spec.level, spec.geometry)
    placed = [u for u in units if u.geometry is not None]
    holders = actions.holder_codes([u.geometry for u in placed], merged)
    found: dict[int, str] = {}
    seen: set[tuple[str, str]] = set()
    for unit, holder in zip(placed, holders, strict=True):
        if holder is None or not holder.startswith(root):
            problems.append(actions.outside_city_problem(unit.code, unit.index))
        else:
            found[unit.index] = holder
    for unit in units:
        if (unit.layer_kind, unit.code) in seen:
            problems.append(
                Problem(
                    "duplicate_code",
                    _("The code appears twice in the input."),
                    field="code",
                    index=unit.index,
                    item=unit.code,
                )
            )
        seen.add((unit.layer_kind, unit.code))
    return found


def node_feature(node: Node) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _json_geometry(node.geometry),
        "properties": {
            "code": node.code,
            "name": node.name,
            "level": Level(node.level).name.lower(),
            "parent_code": node.parent_code,
            "kind": node.grid_kind,
            "institution_kind": node.institution_kind,
            "institution_name": node.institution_name,
            "population": node.population,
        },
    }


def unit_feature(unit: LayerUnit) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": _json_geometry(unit.geometry),
        "properties": {"code": unit.code, "name": unit.name, "level": unit.layer.kind},
    }


def _json_geometry(geometry: shapely.Geometry) -> dict[str, Any]:
    """Exact coordinates (no rounding), so an exported file re-imports as unchanged."""
    return dict(json.loads(json.dumps(shapely.geometry.mapping(geometry))))


def feature_collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def export_collection(
    user: User, root_code: str | None = None, layer_kind: str | None = None
) -> dict[str, Any]:
    """The user's subtree (or one layer's units in it) as a FeatureCollection."""
    root = node_get(user, root_code) if root_code else scope_root(user)
    if layer_kind:
        # The root is one the caller sees, so the tree under it is inside the caller's scope.
        units = (
            LayerUnit.objects.visible_to(Scope.under(root))
            .filter(layer=layer_get(layer_kind))
            .select_related("layer", "node")
            .order_by("code")
        )
        return feature_collection(unit_feature(u) for u in units)
    nodes = Node.objects.visible_to(Scope.under(root)).order_by("level", "code")
    return feature_collection(node_feature(n) for n in nodes)
