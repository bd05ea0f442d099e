"""Time the city-scale demo seed on the configured database and report its peak memory.

    .venv/bin/python bench/seed_demo.py [--scale city] [--seed 1]

Runs `manage.py seed_demo --reset` in a child process (so the measurement
covers exactly one seed, start-up included) against whatever DATABASE_URL
selects, then prints the wall time and the child's peak resident set size.
The target from the specification: city scale well under five minutes.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city", choices=["small", "district", "city"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "seed_demo",
        "--reset",
        "--no-progress",
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
    ]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 — our own manage.py
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"seed_demo --scale {args.scale} --seed {args.seed}: exit {result.returncode}")
    print(f"wall time  {elapsed:8.1f} s")
    print(f"peak RSS   {peak_kib / 1024:8.1f} MiB")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
