"""Where the inspector stood, checked as a duty check-in is: the phone's position at the
moment the result is saved (never tracked), refused when far from the venue, so that an
inspection recorded means somebody was there.

The venue's position is its record's standard address when it has one; a record without
(an address the matcher could not place) is checked against its grid's boundary instead,
with the check-in's margin."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gridgov.addresses.models import Address
from gridgov.core.errors import InvalidInput, ProblemList
from gridgov.fieldwork.actions.tasks import (
    check_point,
    checkin_radius_m,
    distance_m,
    metres_between,
)
from gridgov.inspections.models import Inspection, Venue


def venue_radius_m() -> int:
    """How far from a venue's address an inspection may be recorded (GPS and big premises)."""
    return int(getattr(settings, "GRIDGOV_INSPECTION_RADIUS_M", 300))


def venue_point(venue: Venue) -> tuple[float, float] | None:
    record = venue.organisation if venue.organisation_id else venue.home
    code = record.address_code if record is not None else ""
    if not code:
        return None
    found = Address.objects.unscoped().filter(code=code).values_list("lon", "lat").first()
    return (float(found[0]), float(found[1])) if found else None


def point_checked(
    inspection: Inspection, lon: float | None, lat: float | None, problems: ProblemList
) -> None:
    """A malformed point is a problem beside the others; a point far away refuses the whole
    result with its own code, as a check-in far from the grid does."""
    check_point(lon, lat, problems)
    if lon is None or lat is None or problems:
        return
    venue = inspection.venue
    at = venue_point(venue)
    if at is not None:
        away, limit = metres_between(lon, lat, *at), venue_radius_m()
    else:
        away, limit = distance_m(inspection.grid, lon, lat), checkin_radius_m()
    if away > limit:
        raise InvalidInput(
            _("You are %(m)s m from %(venue)s; record the inspection on the spot.")
            % {"m": away, "venue": venue.name},
            code="far_from_venue",
        )
