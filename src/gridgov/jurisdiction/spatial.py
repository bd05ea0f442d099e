"""An in-memory index of every boundary, to assign points to grids and layer units.

A city has ~12,500 grids and tens of thousands of overlay units; bulk imports
assign millions of addresses. Asking the database polygon by polygon is far
too slow, so each process keeps STRtrees of all boundaries and rebuilds them
only when BoundaryVersion says a boundary changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely

from gridgov.core.versioned import VersionedCache
from gridgov.jurisdiction.models import BoundaryVersion, LayerUnit, Level, Node

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PolygonSet:
    """Polygons with their database ids and codes, prepared for fast point tests."""

    ids: IntArray
    codes: npt.NDArray[np.object_]
    geoms: npt.NDArray[np.object_]
    tree: shapely.STRtree

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, bytes | memoryview]]) -> PolygonSet:
        ids, codes, wkbs = [], [], []
        for pk, code, wkb in rows:
            ids.append(pk)
            codes.append(code)
            wkbs.append(bytes(wkb))
        geoms = shapely.from_wkb(np.array(wkbs, dtype=object))
        shapely.prepare(geoms)
        return cls(
            ids=np.array(ids, dtype=np.int64),
            codes=np.array(codes, dtype=object),
            geoms=geoms,
            tree=shapely.STRtree(geoms),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def assign(self, lons: FloatArray, lats: FloatArray) -> IntArray:
        """Position of the polygon holding each point, -1 where none does.

        The tree only compares envelopes; the exact test then runs on the
        candidate pairs in one vectorised call on prepared polygons, without
        building a second set of point geometries. A point on a shared edge
        belongs to the polygon that comes first.
        """
        result = np.full(len(lons), -1, dtype=np.int64)
        if not len(self) or not len(lons):
            return result
        points, polys = self.tree.query(shapely.points(lons, lats))
        hit = shapely.intersects_xy(self.geoms[polys], lons[points], lats[points])
        points, polys = points[hit], polys[hit]
        result[points] = polys
        shared = np.bincount(points, minlength=len(lons)) > 1
        if shared.any():
            pick = shared[points]
            first = np.full(len(lons), len(self), dtype=np.int64)
            np.minimum.at(first, points[pick], polys[pick])
            result[shared] = first[shared]
        return result


@dataclass(frozen=True)
class SpatialIndex:
    version: int
    levels: dict[int, PolygonSet]
    layers: dict[str, PolygonSet] = field(default_factory=dict)

    @property
    def grids(self) -> PolygonSet:
        return self.levels[Level.GRID]


@dataclass(frozen=True)
class Location:
    """Where a point lies: the deepest node at each level, its grid, and one unit per layer."""

    node_codes: tuple[str, ...]
    grid_code: str | None
    unit_codes: dict[str, str]

    @property
    def node_code(self) -> str | None:
        return self.node_codes[-1] if self.node_codes else None


def boundary_version() -> int:
    version = BoundaryVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(version or 0)


def _build(version: int) -> SpatialIndex:
    levels = {
        level: PolygonSet.from_rows(
            Node.objects.filter(level=level).order_by("code").values_list("id", "code", "boundary")
        )
        for level in Level.values
    }
    by_layer: dict[str, list[tuple[int, str, bytes | memoryview]]] = {}
    rows = LayerUnit.objects.order_by("layer__kind", "code").values_list(
        "layer__kind", "id", "code", "boundary"
    )
    for kind, pk, code, wkb in rows:
        by_layer.setdefault(kind, []).append((pk, code, wkb))
    layers = {kind: PolygonSet.from_rows(r) for kind, r in by_layer.items()}
    return SpatialIndex(version=version, levels=levels, layers=layers)


_index = VersionedCache(boundary_version, _build)
# The process's index, rebuilt when the boundary version moved; one query when it did not.
spatial_index = _index.get
spatial_index_reset = _index.reset


@dataclass(frozen=True)
class Assignment:
    """Grid position per point into `grids` (-1 outside every grid)."""

    positions: IntArray
    grids: PolygonSet

    def grid_ids(self) -> IntArray:
        return np.where(self.positions >= 0, self.grids.ids[self.positions], -1)


def locate_many(lons: npt.ArrayLike, lats: npt.ArrayLike) -> Assignment:
    """Assign many points (WGS84) to grids at once: the bulk-import path."""
    x = np.ascontiguousarray(lons, dtype=np.float64)
    y = np.ascontiguousarray(lats, dtype=np.float64)
    grids = spatial_index().grids
    return Assignment(positions=grids.assign(x, y), grids=grids)


def locate_detail(lons: npt.ArrayLike, lats: npt.ArrayLike) -> list[Location]:
    """Every level's node and every layer's unit for each point."""
    x = np.ascontiguousarray(lons, dtype=np.float64)
    y = np.ascontiguousarray(lats, dtype=np.float64)
    index = spatial_index()
    assigned = {level: (s, s.assign(x, y)) for level, s in sorted(index.levels.items())}
    grids, grid_pos = assigned[Level.GRID]
    by_layer = [(kind, s, s.assign(x, y)) for kind, s in sorted(index.layers.items())]
    out = []
    for i in range(len(x)):
        out.append(
            Location(
                node_codes=tuple(str(s.codes[p[i]]) for s, p in assigned.values() if p[i] >= 0),
                grid_code=str(grids.codes[grid_pos[i]]) if grid_pos[i] >= 0 else None,
                unit_codes={kind: str(s.codes[p[i]]) for kind, s, p in by_layer if p[i] >= 0},
            )
        )
    return out


def locate(lon: float, lat: float) -> Location:
    return locate_detail([lon], [lat])[0]


def served_bounds(prefix: str = "") -> tuple[float, float, float, float] | None:
    """The box around every grid under `prefix` (west, south, east, north): what a map for
    reporting opens on, since only a grid's point can be reported (a city's outline is far
    wider than the grids that serve it). None when no grid lies there."""
    grids = spatial_index().grids
    mask = np.fromiter((str(c).startswith(prefix) for c in grids.codes), bool, len(grids))
    if not mask.any():
        return None
    x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(grids.geoms[mask]))
    return x0, y0, x1, y1


def nearest_grid(lon: float, lat: float) -> str | None:
    """The code of the grid closest to a point (the one holding it, when one does)."""
    grids = spatial_index().grids
    if not len(grids):
        return None
    position = grids.tree.nearest(shapely.Point(lon, lat))
    return None if position is None else str(grids.codes[int(position)])
