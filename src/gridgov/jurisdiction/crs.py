"""Conversion of the coordinate systems Chinese apps send into WGS84.

Phones and web maps in China report GCJ-02 (高德, 腾讯, 苹果) or BD-09 (百度);
boundaries are stored in CGCS2000, which equals WGS84 to well under a metre.
Points must be converted before they are located, or they land ~500 m off.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import prcoords
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
Converter = Callable[[tuple[float, float], bool], tuple[float, float]]

IDENTITY = frozenset({"wgs84", "cgcs2000"})
CONVERTERS: dict[str, Converter] = {"gcj02": prcoords.gcj_wgs_bored, "bd09": prcoords.bd_wgs_bored}
SUPPORTED = sorted(IDENTITY | CONVERTERS.keys())


def _converter(crs: str) -> Converter | None:
    name = crs.strip().lower()
    if name in IDENTITY:
        return None
    if name in CONVERTERS:
        return CONVERTERS[name]
    raise InvalidInput(
        _("Unknown coordinate system %(crs)s; use one of %(known)s.")
        % {"crs": crs, "known": ", ".join(SUPPORTED)},
        code="unknown_crs",
    )


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    xs, ys = to_wgs84_many(np.array([lon], dtype=float), np.array([lat], dtype=float), crs)
    return float(xs[0]), float(ys[0])


def to_wgs84_many(lons: FloatArray, lats: FloatArray, crs: str) -> tuple[FloatArray, FloatArray]:
    """Convert arrays of positions; outside China the obfuscation never applied, so they pass."""
    convert = _converter(crs)
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    if convert is None:
        return lons, lats
    out_lon, out_lat = lons.copy(), lats.copy()
    for i in np.flatnonzero(np.isfinite(lons) & np.isfinite(lats)):
        here = prcoords.Coords(float(lats[i]), float(lons[i]))
        if prcoords.sanity_in_china_p(here):
            out_lat[i], out_lon[i] = convert(here, False)
    return out_lon, out_lat
