import numpy as np
import prcoords
import pytest

from gridgov.core.errors import InvalidInput
from gridgov.jurisdiction.crs import to_wgs84, to_wgs84_many

NANJING_WGS = (118.7969, 32.0603)


@pytest.mark.parametrize("crs", ["wgs84", "cgcs2000", "WGS84"])
def test_identity(crs):
    assert to_wgs84(*NANJING_WGS, crs) == NANJING_WGS


@pytest.mark.parametrize(
    ("crs", "forward"),
    [("gcj02", prcoords.wgs_gcj), ("bd09", prcoords.wgs_bd)],
)
def test_round_trip_to_within_a_metre(crs, forward):
    shifted = forward(prcoords.Coords(NANJING_WGS[1], NANJING_WGS[0]))
    lon, lat = to_wgs84(shifted.lon, shifted.lat, crs)
    assert shifted.lon != pytest.approx(NANJING_WGS[0], abs=1e-4)
    assert (lon, lat) == pytest.approx(NANJING_WGS, abs=1e-5)


def test_array_version_leaves_points_outside_china_and_nan():
    lons = np.array([118.8, 2.35, np.nan])
    lats = np.array([32.06, 48.85, 31.0])
    x, y = to_wgs84_many(lons, lats, "gcj02")
    assert x[0] != lons[0]
    assert (x[1], y[1]) == (2.35, 48.85)
    assert np.isnan(x[2])


def test_unknown_crs():
    with pytest.raises(InvalidInput) as exc:
        to_wgs84(118.8, 32.0, "epsg:3857")
    assert exc.value.code == "unknown_crs"
