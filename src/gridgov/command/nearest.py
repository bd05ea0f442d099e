"""The nearest on-duty workers to a point, from each worker's last duty check-in.

By principle (SPEC: not a surveillance tool) only the last check-in counts, only while it is a
start of duty, and only while it is younger than COMMAND_CHECKIN_MAX_AGE_HOURS: no track is
read or kept here. Positions are loaded once per area into numpy arrays and kept for a few
seconds; a query is one vectorised distance over them (15,000 positions take well under a
millisecond, so a spatial tree would only add its build time).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from gridgov.core.scope import Scope
from gridgov.fieldwork.models import CheckIn, Duty

EARTH_M = 6_371_000.0
CACHE_SECONDS = 15.0


def max_age() -> timedelta:
    return timedelta(hours=float(getattr(settings, "COMMAND_CHECKIN_MAX_AGE_HOURS", 12)))


@dataclass(frozen=True)
class Nearby:
    user_id: int
    name: str
    grid: str
    distance_m: float
    checked_in_at: datetime


@dataclass
class DutyPositions:
    """The on-duty positions of one area at one moment, as parallel arrays."""

    user_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    # cos(lat), computed once per load rather than once per query.
    cos_lat: np.ndarray
    at: list[datetime]
    names: list[str]
    grids: list[str]
    built: float

    @classmethod
    def load(cls, scope: Scope, now: datetime) -> DutyPositions:
        rows = (
            CheckIn.objects.visible_to(scope)
            .filter(at__gte=now - max_age(), at__lte=now)
            .order_by("user_id", "at", "id")
            .values_list(
                "user_id",
                "duty",
                "lon",
                "lat",
                "at",
                "user__display_name",
                "user__username",
                "node__name",
            )
        )
        last: dict[int, tuple[object, ...]] = {}
        for row in rows:
            last[row[0]] = row
        on_duty = [row for row in last.values() if row[1] == Duty.START]
        lat = np.radians(np.array([r[3] for r in on_duty], dtype=np.float64))
        return cls(
            user_ids=np.array([r[0] for r in on_duty], dtype=np.int64),
            lon=np.radians(np.array([r[2] for r in on_duty], dtype=np.float64)),
            lat=lat,
            cos_lat=np.cos(lat),
            at=[r[4] for r in on_duty],  # type: ignore[misc]
            names=[str(r[5] or r[6]) for r in on_duty],
            grids=[str(r[7]) for r in on_duty],
            built=time.monotonic(),
        )

    def nearest(self, lon: float, lat: float, k: int = 5) -> list[Nearby]:
        if not len(self.user_ids):
            return []
        lon0, lat0 = math.radians(lon), math.radians(lat)
        # Haversine, vectorised over every position.
        a = (
            np.sin((self.lat - lat0) / 2) ** 2
            + math.cos(lat0) * self.cos_lat * np.sin((self.lon - lon0) / 2) ** 2
        )
        distances = 2 * EARTH_M * np.arcsin(np.sqrt(a))
        k = min(k, len(distances))
        best = np.argpartition(distances, k - 1)[:k]
        best = best[np.argsort(distances[best])]
        return [
            Nearby(
                user_id=int(self.user_ids[i]),
                name=self.names[i],
                grid=self.grids[i],
                distance_m=round(float(distances[i]), 1),
                checked_in_at=self.at[i],
            )
            for i in best
        ]


_cache: dict[str, DutyPositions] = {}
_lock = threading.Lock()


def positions(scope: Scope, now: datetime | None = None) -> DutyPositions:
    """The area's positions, reloaded when older than a few seconds (a check-in shows soon)."""
    key = scope.prefix
    found = _cache.get(key)
    if found is not None and time.monotonic() - found.built < CACHE_SECONDS and now is None:
        return found
    loaded = DutyPositions.load(scope, now or timezone.now())
    with _lock:
        _cache[key] = loaded
    return loaded


def positions_reset() -> None:
    _cache.clear()
