"""Time bulk point location against a bare STRtree query on the same grids.

    .venv/bin/python bench/locate_points.py [--points 1000000] [--repeat 3] [--seed 1]

Uses the database DATABASE_URL selects, after `manage.py seed_demo --scale
city`. Draws deterministic random points in the city's bounding box, times
the product's bulk path (gridgov.jurisdiction.spatial.locate_many) and
`STRtree.query(points, predicate="intersects")` over the very same polygon
array, checks that both assign every point to the same grid, and prints
points per second for each and their ratio (the goal: at least 0.8).
Exit status: 0 on success, 1 without data or on a mismatch, 2 below the goal.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.8


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    import numpy as np
    import shapely

    from gridgov.jurisdiction.spatial import locate_many, spatial_index

    index = spatial_index()
    grids = index.grids
    if not len(grids):
        print("No grids in the database: run `manage.py seed_demo --scale city` first.")
        return 1
    cities = [s for level, s in sorted(index.levels.items()) if len(s)][0]
    x0, y0, x1, y1 = shapely.total_bounds(cities.geoms)
    rng = np.random.default_rng(args.seed)
    lons = rng.uniform(x0, x1, args.points)
    lats = rng.uniform(y0, y1, args.points)
    print(
        f"{len(grids):,} grids, {args.points:,} points in [{x0:.3f}, {y0:.3f}, {x1:.3f}, {y1:.3f}]"
    )

    tree = shapely.STRtree(grids.geoms)

    def bare() -> Any:
        return tree.query(shapely.points(lons, lats), predicate="intersects")

    product_s, assignment = best_of(args.repeat, lambda: locate_many(lons, lats))
    bare_s, (points, polys) = best_of(args.repeat, bare)

    first = np.full(args.points, len(grids), dtype=np.int64)
    np.minimum.at(first, points, polys)
    expected = np.where(first == len(grids), -1, first)
    mismatches = int((assignment.positions != expected).sum())

    product_rate, bare_rate = args.points / product_s, args.points / bare_s
    ratio = product_rate / bare_rate
    inside = int((expected >= 0).sum())
    print(f"inside a grid:  {inside:,} of {args.points:,}")
    print(f"locate_many:    {product_rate:,.0f} points/s ({product_s:.3f} s)")
    print(f"bare STRtree:   {bare_rate:,.0f} points/s ({bare_s:.3f} s)")
    print(f"ratio:          {ratio:.2f} (goal ≥ {GOAL})")
    print(f"same assignment: {'yes' if not mismatches else f'NO, {mismatches:,} points differ'}")
    if mismatches:
        return 1
    return 0 if ratio >= GOAL else 2


if __name__ == "__main__":
    sys.exit(main())
