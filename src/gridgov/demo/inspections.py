"""The demo's inspections: the shipped kinds and checklists, the city's small venues and
rental homes flagged, a year of monthly inspections in which about one in six found a hazard,
and those hazards in every state (rectified on time or late, overdue, still open, cancelled);
then this period's inspections are scheduled through the actions, as the daily job does, so
they are on the grid workers' task lists, and the daily figures are rebuilt.

The year goes in by bulk insert, as a seeder: replaying it through the actions would stamp
every row with today."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gridgov.inspections.actions import (
    inspections_schedule,
    kinds_load,
    period_end,
    period_of,
    schedule_key,
)
from gridgov.inspections.actions.figures import inspection_figures_refresh
from gridgov.inspections.models import (
    Inspection,
    InspectionStatus,
    ItemResult,
    Rectification,
    RectificationStatus,
    RectificationTransition,
    Venue,
    VenueKind,
)
from gridgov.registry.models import Home, Organisation, Tenure

ORGANISATION_KINDS = ("small_shop", "small_restaurant", "small_hotel", "small_workshop")
HOME_KINDS = ("rental_home", "rental_home", "crowded_rental")
MAX_ORGANISATIONS = 120
MAX_HOMES = 60


@transaction.atomic
def _venues(rng: random.Random, now: datetime) -> list[Venue]:
    kinds = {k.code: k for k in VenueKind.objects.all()}
    venues = [
        Venue(
            kind=kinds[rng.choice(ORGANISATION_KINDS)],
            organisation=o,
            name=o.name,
            address=o.address,
            grid_id=o.grid_id,
            flagged_at=now - timedelta(days=400),
        )
        for o in Organisation.objects.unscoped()
        .filter(small_venue=True)
        .order_by("pk")[:MAX_ORGANISATIONS]
    ] + [
        Venue(
            kind=kinds[rng.choice(HOME_KINDS)],
            home=h,
            name=h.address,
            address=h.address,
            grid_id=h.grid_id,
            flagged_at=now - timedelta(days=400),
        )
        for h in Home.objects.unscoped().filter(tenure=Tenure.RENTED).order_by("pk")[:MAX_HOMES]
    ]
    Venue.objects.bulk_create(venues, ignore_conflicts=True)
    return list(Venue.objects.unscoped().select_related("kind").order_by("pk"))


def _hazard_state(
    rng: random.Random, found: datetime, due: datetime, now: datetime
) -> dict[str, Any]:
    """Older hazards are mostly rectified (some late, so once overdue); those of the last
    twenty days are still being rectified."""
    late_by = rng.random()
    if now - found < timedelta(days=20):
        return {"status": RectificationStatus.OPEN}
    if late_by < 0.06:
        return {"status": RectificationStatus.CANCELLED, "cancelled_at": found + timedelta(days=2)}
    if late_by < 0.16 and due < now:
        return {"status": RectificationStatus.OVERDUE, "overdue_at": due}
    if late_by < 0.28:
        done = due + timedelta(days=rng.randint(1, 6))
        if done < now:
            return {
                "status": RectificationStatus.RECTIFIED,
                "overdue_at": due,
                "rectified_at": done,
            }
    return {
        "status": RectificationStatus.RECTIFIED,
        "rectified_at": min(found + timedelta(days=rng.randint(1, 6)), now),
    }


@transaction.atomic
def _year(rng: random.Random, venues: list[Venue], now: datetime) -> dict[str, int]:
    checklists = {
        c.kind_id: c
        for c in (
            v.kind.checklists.order_by("-version")[0]
            for v in {v.kind_id: v for v in venues}.values()
        )
    }
    today = timezone.localdate(now)
    done: list[Inspection] = []
    for venue in venues:
        interval = venue.kind.interval_days
        current = period_of(today, interval)
        for period in range(period_of(today - timedelta(days=365), interval), current):
            due_at = period_end(period, interval)
            done.append(
                Inspection(
                    venue=venue,
                    grid_id=venue.grid_id,
                    source_key=schedule_key(venue.pk, period),
                    status=InspectionStatus.DONE,
                    due_at=due_at,
                    checklist=checklists[venue.kind_id],
                    done_at=due_at - timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 8))
                    if rng.random() < 0.93
                    else due_at + timedelta(days=rng.randint(1, 5)),
                    passed=rng.random() > 0.17,
                )
            )
    Inspection.objects.bulk_create(done, ignore_conflicts=True)
    rows = (
        Inspection.objects.unscoped()
        .filter(status=InspectionStatus.DONE)
        .select_related("checklist", "venue__kind")
    )
    results: list[ItemResult] = []
    hazards: list[Rectification] = []
    for inspection in rows:
        items = inspection.checklist.items if inspection.checklist else []
        failed = "" if inspection.passed else rng.choice(items)["code"]
        for item in items:
            results.append(
                ItemResult(
                    inspection=inspection,
                    code=item["code"],
                    text=item["text"],
                    serious=item["serious"],
                    passed=item["code"] != failed,
                )
            )
            if item["code"] == failed and inspection.done_at is not None:
                found = inspection.done_at
                due = found + timedelta(days=inspection.venue.kind.rectify_days + 2)
                hazards.append(
                    Rectification(
                        inspection=inspection,
                        venue=inspection.venue,
                        grid_id=inspection.grid_id,
                        item_code=item["code"],
                        item_text=item["text"],
                        serious=item["serious"],
                        found_at=found,
                        due_at=due,
                        **_hazard_state(rng, found, due, now),
                    )
                )
    ItemResult.objects.bulk_create(results, ignore_conflicts=True)
    Rectification.objects.bulk_create(hazards, ignore_conflicts=True)
    steps: list[RectificationTransition] = []
    checks: list[Inspection] = []
    for rect in Rectification.objects.unscoped().select_related("venue"):
        steps.append(
            RectificationTransition(
                rectification=rect, to_status="open", command="open", at=rect.found_at
            )
        )
        if rect.overdue_at:
            steps.append(
                RectificationTransition(
                    rectification=rect,
                    from_status="open",
                    to_status="overdue",
                    command="expire",
                    at=rect.overdue_at,
                )
            )
        if rect.rectified_at:
            steps.append(
                RectificationTransition(
                    rectification=rect,
                    from_status="overdue" if rect.overdue_at else "open",
                    to_status="rectified",
                    command="pass",
                    at=rect.rectified_at,
                )
            )
        if rect.cancelled_at:
            steps.append(
                RectificationTransition(
                    rectification=rect,
                    from_status="open",
                    to_status="cancelled",
                    command="cancel",
                    at=rect.cancelled_at,
                    note="店铺已停业",
                )
            )
        open_now = rect.status in {RectificationStatus.OPEN, RectificationStatus.OVERDUE}
        checks.append(
            Inspection(
                venue=rect.venue,
                grid_id=rect.grid_id,
                rectification=rect,
                source_key=f"reinspect:{rect.pk}:1",
                status=InspectionStatus.DUE
                if open_now
                else (InspectionStatus.DONE if rect.rectified_at else InspectionStatus.CANCELLED),
                due_at=rect.due_at,
                done_at=rect.rectified_at,
                cancelled_at=rect.cancelled_at,
                passed=True if rect.rectified_at else None,
            )
        )
    RectificationTransition.objects.bulk_create(steps)
    Inspection.objects.bulk_create(checks, ignore_conflicts=True)
    return {"inspections": len(done), "hazards": len(hazards)}


def inspections_seed(seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    now = timezone.now()
    kinds_load(actor=None)
    venues = _venues(rng, now)
    counts = _year(rng, venues, now)
    scheduled = inspections_schedule()
    inspection_figures_refresh()
    return {"venues": len(venues), **counts, "inspections_due": scheduled.created}
