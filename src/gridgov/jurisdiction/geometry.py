"""Validation of boundary polygons given as GeoJSON geometries.

Boundaries arrive from department GIS exports that are often sloppy: rings
left open, coordinates swapped, polygons that cross themselves. Each check
runs on the raw coordinates, before shapely sees them, because shapely
silently closes rings and would hide the mistake the sender should fix.
Every problem found is reported, each naming where it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import shapely
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput, Problem

# Mainland China with its islands, generously: anything outside is a swapped
# or projected coordinate, never a real boundary of a Chinese city.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
MIN_RING_POSITIONS = 4


class _Checker:
    def __init__(self, *, index: int | None, item: str, field: str) -> None:
        self.index = index
        self.item = item
        self.field = field
        self.problems: list[Problem] = []

    def add(self, code: str, message: Any, path: str = "") -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                field=self.field + path,
                index=self.index,
                item=self.item,
            )
        )

    def position(self, pos: Any, path: str) -> bool:
        if not isinstance(pos, Sequence) or isinstance(pos, str) or len(pos) not in (2, 3):
            self.add("invalid_coordinates", _("A position must be [longitude, latitude]."), path)
            return False
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in pos
        ):
            self.add("invalid_coordinates", _("Coordinates must be finite numbers."), path)
            return False
        lon, lat = float(pos[0]), float(pos[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.add(
                "out_of_range",
                _("Longitude %(lon)s / latitude %(lat)s is not a valid position.")
                % {"lon": lon, "lat": lat},
                path,
            )
            return False
        x0, y0, x1, y1 = CHINA_BOUNDS
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            self.add(
                "out_of_range",
                _("Longitude %(lon)s / latitude %(lat)s lies outside China (are they swapped?).")
                % {"lon": lon, "lat": lat},
                path,
            )
            return False
        return True

    def ring(self, ring: Any, path: str) -> list[tuple[float, float]] | None:
        if not isinstance(ring, list):
            self.add("invalid_coordinates", _("A ring must be a list of positions."), path)
            return None
        ok = all([self.position(p, f"{path}[{i}]") for i, p in enumerate(ring)])
        if not ok:
            return None
        if len(ring) < MIN_RING_POSITIONS:
            self.add(
                "too_few_positions",
                _("A ring needs at least 4 positions, this one has %(n)d.") % {"n": len(ring)},
                path,
            )
            return None
        if list(ring[0][:2]) != list(ring[-1][:2]):
            self.add(
                "unclosed_ring",
                _("The ring is not closed: its last position must repeat the first."),
                path,
            )
            return None
        return [(float(p[0]), float(p[1])) for p in ring]

    def polygon(self, rings: Any, path: str) -> shapely.Polygon | None:
        if not isinstance(rings, list) or not rings:
            self.add("invalid_coordinates", _("A polygon must be a non-empty list of rings."), path)
            return None
        checked = [self.ring(r, f"{path}[{i}]") for i, r in enumerate(rings)]
        if any(r is None for r in checked):
            return None
        shell, *holes = checked
        return shapely.Polygon(shell, holes)


def geometry_problems(
    data: Any, *, index: int | None = None, item: str = "", field: str = "geometry"
) -> tuple[shapely.Geometry | None, list[Problem]]:
    """The shapely geometry, or None and every problem found in it."""
    check = _Checker(index=index, item=item, field=field)
    if not isinstance(data, dict) or "type" not in data or "coordinates" not in data:
        check.add("malformed_geometry", _("A GeoJSON geometry needs a type and coordinates."))
        return None, check.problems
    kind, coords = data["type"], data["coordinates"]
    geom: shapely.Geometry | None = None
    if kind == "Polygon":
        geom = check.polygon(coords, ".coordinates")
    elif kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            check.add(
                "invalid_coordinates",
                _("A multipolygon must be a non-empty list of polygons."),
                ".coordinates",
            )
        else:
            parts = [check.polygon(p, f".coordinates[{i}]") for i, p in enumerate(coords)]
            if all(p is not None for p in parts):
                geom = shapely.MultiPolygon(parts)
    else:
        check.add(
            "unsupported_geometry_type",
            _("Only Polygon and MultiPolygon boundaries are accepted, not %(type)s.")
            % {"type": str(kind)},
            ".type",
        )
    if geom is None:
        return None, check.problems
    if not shapely.is_valid(geom):
        check.add(
            "invalid_polygon",
            _("The polygon is not valid: %(reason)s.") % {"reason": shapely.is_valid_reason(geom)},
        )
        return None, check.problems
    if shapely.area(geom) <= 0:
        check.add("invalid_polygon", _("The polygon has no area."))
        return None, check.problems
    return geom, check.problems


def geometry_from_geojson(
    data: Any, *, index: int | None = None, item: str = "", field: str = "geometry"
) -> shapely.Geometry:
    """The shapely geometry, or InvalidInput listing every problem."""
    geom, problems = geometry_problems(data, index=index, item=item, field=field)
    if geom is None:
        raise InvalidInput(_("The boundary is not a valid polygon."), problems=problems)
    return geom
