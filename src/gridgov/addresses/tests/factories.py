"""A target address for scope tests: road 目标路, door 8 of compound 目标小区, building 2."""

from __future__ import annotations

from gridgov.addresses.actions import address_create, road_create
from gridgov.addresses.models import Address

TARGET_ROAD = "目标路"
TARGET_COMPOUND = "目标小区"
TARGET_TEXT = "目标路8号2幢"


def make_target_address(
    *, district_code: str = "320104", lon: float = 118.1, lat: float = 31.9
) -> Address:
    """The building 目标路8号目标小区2幢 at a point of the box tree's grid 320104001001001."""
    road = road_create(
        actor=None, code=f"{district_code}R99999", name=TARGET_ROAD, district_code=district_code
    )
    address_create(
        actor=None, road_code=road.code, door=8, lon=lon, lat=lat, compound=TARGET_COMPOUND
    )
    return address_create(actor=None, road_code=road.code, door=8, building=2, lon=lon, lat=lat)
