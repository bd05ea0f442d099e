"""The decisions' figures at Nantong's volume: assessments by kind, outcomes, open mitigations.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/decisions_bench \\
        .venv/bin/python bench/decisions_figures.py [--repeat 50]

Needs an empty database of its own (it migrates it, then writes a small tree). Writes the
seed's 2,123 completed assessments (732 self-assessed, 1,391 by third parties) on as many
decisions (6 postponed, 125 adjusted, the rest proceeding), two risk points each and a
mitigation per point (one in five open, a tenth of those past their deadline), all in bulk,
then reads the figures as the district commander `--repeat` times and the decisions list
page. Prints the figures and p50/p95 of each read; the figures must match what was written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SELF, THIRD, POSTPONED, ADJUSTED = 732, 1391, 6, 125


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    laps = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        laps.append((time.perf_counter() - started) * 1000)
    laps.sort()
    return statistics.median(laps), laps[int(len(laps) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from gridgov.accounts.models import User
    from gridgov.accounts.roles import Role
    from gridgov.decisions.models import (
        Assessment,
        Decision,
        DecisionCategory,
        Mitigation,
        RiskPoint,
    )
    from gridgov.decisions.selectors import decision_figures
    from gridgov.testing.tree import build_tree
    from gridgov.testing.users import make_user

    if User.objects.exists():
        print("The database is not empty: give the benchmark a database of its own.")
        return 1
    tree = build_tree()
    commander = make_user("dc", Role.DISTRICT_COMMANDER, node=tree["320104"])
    category = DecisionCategory.objects.get(code="construction")
    now = timezone.now()
    subdistricts = [tree["320104001"], tree["320104002"]]
    outcomes = ["postpone"] * POSTPONED + ["adjust"] * ADJUSTED
    outcomes += ["proceed"] * (SELF + THIRD - len(outcomes))
    status = {"postpone": "postponed", "adjust": "implementing", "proceed": "implementing"}
    started = time.perf_counter()
    decisions = Decision.objects.bulk_create(
        Decision(
            title=f"决策{n}",
            category=category,
            decided_by="区政府",
            node=subdistricts[n % 2],
            people_affected=100 + n,
            planned_on=now.date(),
            status=status[outcome],
            outcome=outcome,
            outcome_reason="理由",
            registered_by=commander,
            registered_at=now,
        )
        for n, outcome in enumerate(outcomes)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            decision=decision,
            kind="self" if n < SELF else "third_party",
            assessor=None if n < SELF else commander,
            status="completed",
            risk_level="low",
            assigned_by=commander,
            assigned_at=now,
            completed_at=now,
        )
        for n, decision in enumerate(decisions)
    )
    points = RiskPoint.objects.bulk_create(
        RiskPoint(assessment=a, title=f"风险{k}", likelihood=1, impact=2)
        for a in assessments
        for k in range(2)
    )
    open_count = overdue = 0
    rows = []
    for n, point in enumerate(points):
        is_open = n % 5 == 0
        late = is_open and n % 50 == 0
        open_count += is_open
        overdue += late
        rows.append(
            Mitigation(
                risk_point=point,
                measure="措施",
                owner="街道",
                due_at=now + timedelta(days=-3 if late else 30),
                done_at=None if is_open else now,
                created_by=commander,
                created_at=now,
            )
        )
    Mitigation.objects.bulk_create(rows, batch_size=2000)
    print(
        f"written: {len(decisions):,} decisions, {len(points):,} risk points, "
        f"{len(rows):,} mitigations in {time.perf_counter() - started:.1f} s"
    )
    figures = decision_figures(commander)
    print(f"figures: {figures}")
    expected = (
        figures.assessments_by_kind == {"self": SELF, "third_party": THIRD}
        and figures.outcomes["postpone"] == POSTPONED
        and figures.outcomes["adjust"] == ADJUSTED
        and figures.mitigations_open == open_count
        and figures.mitigations_overdue == overdue
    )
    p50, p95 = timed(lambda: decision_figures(commander), args.repeat)
    print(f"decision_figures (3 grouped queries): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    client = Client()
    client.force_login(commander)
    p50, p95 = timed(lambda: client.get("/decisions/"), max(args.repeat // 5, 5))
    print(f"GET /decisions/ (figures and the first 200): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print("figures match what was written" if expected else "FIGURES DO NOT MATCH")
    return 0 if expected else 2


if __name__ == "__main__":
    sys.exit(main())
