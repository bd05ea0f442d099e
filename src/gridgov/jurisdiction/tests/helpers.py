"""GeoJSON builders shared by this package's tests."""

from __future__ import annotations

from typing import Any

import shapely


def polygon(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: str, name: str, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, **props},
        "geometry": geometry,
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def wkb(x0: float, y0: float, x1: float, y1: float) -> bytes:
    return bytes(shapely.to_wkb(shapely.box(x0, y0, x1, y1)))
