"""The rules' tests, each one aggregate query per chunk of homes (never one per home).

`evaluate(rule, chunk, baseline, today)` answers {home id: evidence} for the homes of the
chunk the rule flags. Parameters come from the rule's row; DEFAULT_PARAMS says what each
kind reads and is what a new rule starts from. The utility rule compares a home with the
median of similar homes (same community, same band of floor area), computed once per run
by `utility_baseline`, so every chunk compares with the same peers; the complaints are
counted by address once per run too (`complaints_baseline`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import Avg, Count

from gridgov.core.scope import Scope
from gridgov.events.models import Event
from gridgov.jurisdiction.models import Node
from gridgov.registry.models import Home, Person, Tenancy
from gridgov.rentals.models import MeterReading, RentalRule, RuleKind

DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    # 人均居住面积: fewer square metres per registered person than this, with at least
    # `min_people`; a home without a recorded area is flagged from `people_without_area`.
    RuleKind.CROWDING: {"min_area_per_person": 5, "min_people": 4, "people_without_area": 8},
    RuleKind.TURNOVER: {"days": 365, "min_tenants": 6},
    RuleKind.UTILITY: {"months": 3, "factor": 3, "min_peers": 5},
    RuleKind.COMPLAINTS: {"days": 180, "min_complaints": 2, "categories": ["0702", "0101", "0102"]},
}

# Floor-area bands (m²) that make homes "similar" for the utility rule.
AREA_BANDS = (60, 90, 120)


@dataclass(frozen=True)
class HomeRow:
    id: int
    area: float | None
    address: str
    community_id: int


Chunk = list[HomeRow]
Evidence = dict[str, Any]


def homes_under(node: Node) -> Any:
    """The homes a run covers, by id: the run's own reading, from a task, under its node."""
    return Home.objects.visible_to(Scope.under(node)).order_by("id")


def chunk_after(node: Node, after_id: int, size: int) -> Chunk:
    rows = (
        homes_under(node)
        .filter(id__gt=after_id)
        .values_list("id", "floor_area", "address", "community_id")[:size]
    )
    return [
        HomeRow(pk, float(area) if area is not None else None, address, community)
        for pk, area, address, community in rows
    ]


def band(area: float | None) -> int:
    if area is None:
        return -1
    return sum(1 for edge in AREA_BANDS if area >= edge)


def param(rule: RentalRule, name: str) -> Any:
    return rule.params.get(name, DEFAULT_PARAMS[rule.kind][name])


def _crowding(
    rule: RentalRule, chunk: Chunk, baseline: dict[str, Any], today: date
) -> dict[int, Evidence]:
    people = dict(
        Person.objects.unscoped()
        .filter(home_id__in=[h.id for h in chunk], moved_out__isnull=True)
        .values("home_id")
        .annotate(n=Count("id"))
        .values_list("home_id", "n")
    )
    min_area = float(param(rule, "min_area_per_person"))
    min_people = int(param(rule, "min_people"))
    without_area = int(param(rule, "people_without_area"))
    hits: dict[int, Evidence] = {}
    for home in chunk:
        n = people.get(home.id, 0)
        if home.area is None:
            if n >= without_area:
                hits[home.id] = {"people": n, "area": None}
        elif n >= min_people and home.area / n < min_area:
            hits[home.id] = {
                "people": n,
                "area": home.area,
                "area_per_person": round(home.area / n, 1),
            }
    return hits


def _turnover(
    rule: RentalRule, chunk: Chunk, baseline: dict[str, Any], today: date
) -> dict[int, Evidence]:
    since = today - timedelta(days=int(param(rule, "days")))
    minimum = int(param(rule, "min_tenants"))
    counts = (
        Tenancy.objects.filter(home_id__in=[h.id for h in chunk], start__gte=since)
        .values("home_id")
        .annotate(n=Count("person_id", distinct=True))
        .filter(n__gte=minimum)
        .values_list("home_id", "n")
    )
    return {home_id: {"tenants": n, "since": since.isoformat()} for home_id, n in counts}


def _month_cutoff(today: date, months: int) -> date:
    month = today.year * 12 + today.month - 1 - months
    return date(month // 12, month % 12 + 1, 1)


def _peer_key(community_id: int, area_band: int, utility: str) -> str:
    return f"{community_id}:{area_band}:{utility}"


def utility_baseline(node: Node, rule: RentalRule, today: date) -> dict[str, Any]:
    """Median monthly use of each group of similar homes, with the group's size."""
    since = _month_cutoff(today, int(param(rule, "months")))
    rows = (
        MeterReading.objects.unscoped()
        .filter(home__grid__code__startswith=node.code, month__gte=since)
        .values("home_id", "utility", "home__community_id", "home__floor_area")
        .annotate(use=Avg("amount"))
    )
    groups: dict[str, list[float]] = defaultdict(list)
    for row in rows.iterator(chunk_size=5000):
        area = row["home__floor_area"]
        key = _peer_key(
            row["home__community_id"],
            band(float(area) if area is not None else None),
            row["utility"],
        )
        groups[key].append(float(row["use"]))
    return {key: [round(median(uses), 2), len(uses)] for key, uses in groups.items()}


def _utility(
    rule: RentalRule, chunk: Chunk, baseline: dict[str, Any], today: date
) -> dict[int, Evidence]:
    since = _month_cutoff(today, int(param(rule, "months")))
    factor = float(param(rule, "factor"))
    min_peers = int(param(rule, "min_peers"))
    by_id = {h.id: h for h in chunk}
    uses = (
        MeterReading.objects.unscoped()
        .filter(home_id__in=list(by_id), month__gte=since)
        .values("home_id", "utility")
        .annotate(use=Avg("amount"))
    )
    hits: dict[int, Evidence] = {}
    for row in uses:
        home = by_id[row["home_id"]]
        peers = baseline.get(_peer_key(home.community_id, band(home.area), row["utility"]))
        if not peers or peers[1] < min_peers or peers[0] <= 0:
            continue
        use = float(row["use"])
        if use >= factor * peers[0]:
            found = hits.setdefault(home.id, {})
            found[row["utility"]] = {
                "monthly": round(use, 1),
                "peers_median": peers[0],
                "ratio": round(use / peers[0], 1),
            }
    return hits


def complaints_baseline(node: Node, rule: RentalRule, today: date) -> dict[str, int]:
    """Addresses under the node with enough complaints in the window, counted once per run:
    one grouped scan of the events instead of one per chunk (their address is free text
    without an index)."""
    since = today - timedelta(days=int(param(rule, "days")))
    counts = (
        Event.objects.visible_to(Scope.under(node))
        .filter(
            category__code__in=list(param(rule, "categories")),
            created_at__date__gte=since,
        )
        .exclude(address="")
        .values("address")
        .annotate(n=Count("id"))
        .filter(n__gte=int(param(rule, "min_complaints")))
        .values_list("address", "n")
    )
    return dict(counts)


def _complaints(
    rule: RentalRule, chunk: Chunk, baseline: dict[str, Any], today: date
) -> dict[int, Evidence]:
    since = today - timedelta(days=int(param(rule, "days")))
    return {
        home.id: {"complaints": baseline[home.address], "since": since.isoformat()}
        for home in chunk
        if home.address in baseline
    }


TESTS: dict[str, Callable[[RentalRule, Chunk, dict[str, Any], date], dict[int, Evidence]]] = {
    RuleKind.CROWDING: _crowding,
    RuleKind.TURNOVER: _turnover,
    RuleKind.UTILITY: _utility,
    RuleKind.COMPLAINTS: _complaints,
}


BASELINES: dict[str, Callable[[Node, RentalRule, date], dict[str, Any]]] = {
    RuleKind.UTILITY: utility_baseline,
    RuleKind.COMPLAINTS: complaints_baseline,
}


def run_baseline(node: Node, rules: list[RentalRule], today: date) -> dict[str, Any]:
    """What the run's chunks share, by rule code: the utility rules' peer medians and the
    complaint rules' addresses."""
    return {
        rule.code: BASELINES[rule.kind](node, rule, today)
        for rule in rules
        if rule.kind in BASELINES
    }


def evaluate(
    rule: RentalRule, chunk: Chunk, baseline: dict[str, Any], today: date
) -> dict[int, Evidence]:
    return TESTS[rule.kind](rule, chunk, baseline.get(rule.code, {}), today)


def share(hits: int, homes: int) -> Decimal:
    return Decimal(hits) / Decimal(homes) if homes else Decimal(0)
