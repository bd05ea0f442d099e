"""The jurisdiction tree, overlay layers and point location over JSON.

Every route reads through the selectors, so anything outside the caller's
jurisdiction answers 404 exactly like something that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from gridgov.accounts.requests import request_user
from gridgov.core.errors import Problem
from gridgov.jurisdiction import geojson_io, selectors
from gridgov.jurisdiction.actions.boundaries import boundaries_import
from gridgov.jurisdiction.models import GridOverlap, LayerUnit, Level, Node

router = Router(tags=["jurisdiction"])


class NodeOut(Schema):
    code: str
    name: str
    level: int
    level_name: str
    parent_code: str
    grid_kind: str
    institution_kind: str
    institution_name: str
    population: int | None

    @staticmethod
    def resolve_level_name(obj: Node) -> str:
        return Level(obj.level).name.lower()


class ChildOut(NodeOut):
    child_count: int


class TreeOut(Schema):
    code: str
    name: str
    level: int
    children: list[TreeOut]


class NodeRef(Schema):
    code: str
    name: str
    level: int


class UnitRef(Schema):
    layer: str
    code: str
    name: str

    @staticmethod
    def resolve_layer(obj: LayerUnit) -> str:
        return obj.layer.kind


class UnitOut(UnitRef):
    node_code: str

    @staticmethod
    def resolve_node_code(obj: LayerUnit) -> str:
        return obj.node.code


class LayerOut(Schema):
    kind: str
    name: str


class OverlapOut(Schema):
    unit: UnitRef
    grid_share: float
    unit_share: float


class LocationOut(Schema):
    lon: float = Field(description="WGS84 longitude after conversion")
    lat: float = Field(description="WGS84 latitude after conversion")
    node: NodeRef
    grid: NodeRef | None
    units: list[UnitRef]


class PointErrorOut(Schema):
    code: str
    message: str


class PointResultOut(Schema):
    index: int
    location: LocationOut | None = None
    error: PointErrorOut | None = None


class BulkLocateIn(Schema):
    crs: str = "wgs84"
    points: list[list[float]] = Field(min_length=1, max_length=selectors.MAX_POINTS)


class BulkLocateOut(Schema):
    results: list[PointResultOut]


class TreeQuery(Schema):
    depth: int = Field(2, ge=0, le=selectors.MAX_TREE_DEPTH)


class LocateQuery(Schema):
    lon: float
    lat: float
    crs: str = "wgs84"


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


def _tree(item: selectors.TreeNode) -> dict[str, Any]:
    node = item.node
    return {
        "code": node.code,
        "name": node.name,
        "level": node.level,
        "children": [_tree(c) for c in item.children],
    }


@router.get("/tree", response=TreeOut)
def tree(request: HttpRequest, query: Query[TreeQuery]) -> dict[str, Any]:
    """The caller's tree from its scope root, `depth` levels below it."""
    return _tree(selectors.node_tree(request_user(request), query.depth))


@router.get("/nodes/{code}", response=NodeOut)
def node(request: HttpRequest, code: str) -> Node:
    return selectors.node_get(request_user(request), code)


@router.get("/nodes/{code}/children", response=list[ChildOut])
def children(request: HttpRequest, code: str) -> list[Node]:
    user = request_user(request)
    return list(selectors.node_children(user, selectors.node_get(user, code)))


@router.get("/nodes/{code}/geojson", response=dict[str, Any])
def node_geojson(request: HttpRequest, code: str) -> dict[str, Any]:
    """The node's children as a FeatureCollection, or the grid itself."""
    user = request_user(request)
    parent = selectors.node_get(user, code)
    nodes = [parent] if parent.is_grid else list(selectors.node_children(user, parent))
    return geojson_io.feature_collection(geojson_io.node_feature(n) for n in nodes)


@router.get("/nodes/{code}/overlaps", response=list[OverlapOut])
def overlaps(request: HttpRequest, code: str) -> list[GridOverlap]:
    user = request_user(request)
    return list(selectors.grid_overlaps(user, selectors.node_get(user, code)))


def _location(found: selectors.PointLocation) -> dict[str, Any]:
    return {
        "lon": found.lon,
        "lat": found.lat,
        "node": found.node,
        "grid": found.grid,
        "units": found.units,
    }


@router.get("/locate", response=LocationOut)
def locate(request: HttpRequest, query: Query[LocateQuery]) -> dict[str, Any]:
    return _location(
        selectors.locate_point(
            selectors.scope_root(request_user(request)), query.lon, query.lat, query.crs
        )
    )


@router.post("/locate/bulk", response=BulkLocateOut)
def locate_bulk(request: HttpRequest, payload: BulkLocateIn) -> dict[str, Any]:
    answers = selectors.locate_points(
        selectors.scope_root(request_user(request)), payload.points, payload.crs
    )
    results: list[dict[str, Any]] = []
    for index, answer in enumerate(answers):
        if isinstance(answer, Problem):
            error = {"code": answer.code, "message": str(answer.message)}
            results.append({"index": index, "error": error})
        else:
            results.append({"index": index, "location": _location(answer)})
    return {"results": results}


@router.get("/layers", response=list[LayerOut])
def layers(request: HttpRequest) -> Any:
    return selectors.layers_all()


@router.get("/layers/{kind}/units", response=list[UnitOut])
@paginate
def layer_units(request: HttpRequest, kind: str) -> Any:
    return selectors.layer_units_of(request_user(request), selectors.layer_get(kind))


@router.get("/layers/{kind}/units/{code}", response=UnitOut)
def layer_unit(request: HttpRequest, kind: str, code: str) -> LayerUnit:
    return selectors.unit_get(request_user(request), kind, code)


GEOJSON_BODY = {
    "required": True,
    "content": {
        "application/geo+json": {"schema": {"type": "object", "title": "FeatureCollection"}}
    },
}


@router.post("/import", response=ImportOut, openapi_extra={"requestBody": GEOJSON_BODY})
def import_geojson(request: HttpRequest) -> dict[str, int]:
    """Body: a GeoJSON FeatureCollection of nodes and layer units; all or nothing.

    Needs the right to manage boundaries (403 otherwise).
    """
    return boundaries_import(actor=request_user(request), data=request.body).as_dict()


@router.get("/export", response=dict[str, Any])
def export_geojson(
    request: HttpRequest, root: str | None = None, layer: str | None = None
) -> dict[str, Any]:
    return geojson_io.export_collection(
        request_user(request), root_code=root or None, layer_kind=layer
    )
