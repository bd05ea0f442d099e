"""Mediation on the seeded demo: the agreement PDF, the daily figures' rebuild and read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
        .venv/bin/python bench/mediation.py [--pdfs 20]

Needs `manage.py seed_demo --scale small` (a year of the district's disputes). Prints the
time to render one agreement (p50/max of --pdfs), to recount the year's daily figures, and
to read the district's figures by subdistrict and by mediator, with the year's totals.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.utils import timezone

    from gridgov.accounts.models import User
    from gridgov.mediation.actions import figures_rebuild
    from gridgov.mediation.agreement import agreement_pdf
    from gridgov.mediation.figures import mediation_figures
    from gridgov.mediation.models import Dispute

    commander = User.objects.get(username="dc")
    agreed = Dispute.objects.unscoped().filter(agreed_at__isnull=False).order_by("pk")
    first = agreed.first()
    if first is None:
        print("no agreed dispute: seed the demo first")
        return 1
    times = []
    for dispute in agreed[: args.pdfs]:
        start = time.perf_counter()
        agreement_pdf(commander, dispute.pk)
        times.append(time.perf_counter() - start)
    print(
        f"agreement PDF: n={len(times)} p50={statistics.median(times) * 1000:.0f} ms "
        f"max={max(times) * 1000:.0f} ms"
    )
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(366)]
    start = time.perf_counter()
    rows = figures_rebuild(days)
    print(f"figures rebuild: 366 days, {rows} rows in {time.perf_counter() - start:.2f} s")
    for by in ("subdistrict", "mediator"):
        start = time.perf_counter()
        table = mediation_figures(commander, by=by)
        took = (time.perf_counter() - start) * 1000
        total = table.total
        print(
            f"figures by {by}: {len(table.rows)} rows in {took:.0f} ms; year: "
            f"{total.registered} registered, {total.concluded} concluded, {total.agreed} "
            f"agreed, success {total.success_rate:.2f} %, kept {total.kept_rate:.2f} %, "
            f"{total.average_days:.1f} days to conclude, {total.per_thousand:.2f} per 1,000"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
