"""The demo's overcrowded-rental warnings: three months of meter readings for the grid
worker's community (a few homes far above their neighbours, a few addresses the registry
does not know), a rule run over the district, and cases walked to every state through the
rentals' own actions, as the pages would."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import shapely
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.core.scope import Scope
from gridgov.events.actions.intake import event_report
from gridgov.registry.models import Home
from gridgov.rentals.actions import case_apply, meter_import, rules_run_advance, rules_run_start
from gridgov.rentals.models import RentalCase
from gridgov.rentals.rules import band
from gridgov.rentals.workflow import Status

# Each case walked to one state, the later states first (a small grid may raise few).
WALKS: tuple[tuple[str, ...], ...] = (
    ("verify", "confirm+hazards"),
    ("verify", "confirm", "rectify"),
    ("verify", "dismiss"),
    ("verify",),
    ("verify", "confirm"),
    (),
)
COMPLAINTS = ("晚上经常有人大声喧哗，影响休息", "楼道堆放大量生活垃圾，散发异味")


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    out = []
    for back in (3, 2, 1):
        month = first.year * 12 + first.month - 1 - back
        out.append(date(month // 12, month % 12 + 1, 1))
    return out


def _readings_csv(homes: list[Home], outliers: set[int], today: date, r: random.Random) -> bytes:
    lines = ["地址编码,地址,月份,类别,用量"]
    for month in _months(today):
        label = month.strftime("%Y-%m")
        for home in homes:
            factor = 5 if home.pk in outliers else 1
            power = Decimal(r.randint(90, 180) * factor)
            water = Decimal(r.randint(5, 12) * factor)
            lines.append(f"{home.address_code},{home.address},{label},电,{power}")
            lines.append(f"{home.address_code},{home.address},{label},水,{water}")
        # A utility's account at an address nobody registered: kept and reported.
        lines.append(f",{homes[0].address}附{month.month}号,{label},电,420")
    return "\n".join(lines).encode("utf-8-sig")


def _outliers(homes: list[Home], mine: list[Home]) -> set[int]:
    """Fewer than half of each group of similar homes, from the worker's grid: the group's
    median stays that of its ordinary homes, which the rule compares with."""
    groups: dict[int, list[Home]] = defaultdict(list)
    for home in homes:
        groups[band(float(home.floor_area) if home.floor_area is not None else None)].append(home)
    ids = {h.pk for h in mine}
    picked: set[int] = set()
    for group in groups.values():
        candidates = [h.pk for h in group if h.pk in ids]
        picked.update(candidates[: (len(group) - 1) // 2])
    return picked


def _complaints(worker: User, homes: list[Home]) -> None:
    """Two neighbours' complaints (noise, rubbish) at one home's address, through the loop."""
    grid = worker.node
    if grid is None:
        return
    point = shapely.from_wkb(grid.boundary).representative_point()
    for home in homes:
        for text, category in zip(COMPLAINTS, ("0702", "0101"), strict=True):
            event_report(
                actor=worker,
                category_code=category,
                description=text,
                lon=point.x,
                lat=point.y,
                address=home.address,
            )


def rentals_seed(seed: int = 1) -> int:
    """Seed the warnings; answers the number of suspected cases."""
    r = random.Random(seed)  # noqa: S311 — reproducible demo data
    worker, staff = User.objects.get(username="gw"), User.objects.get(username="cs")
    commander = User.objects.get(username="dc")
    if worker.node is None or staff.node is None or commander.node is None:
        return 0
    homes = list(Home.objects.visible_to(Scope.under(staff.node)).order_by("id"))
    mine = [h for h in homes if h.grid_id == worker.node_id]
    if not mine:
        return 0
    outliers = _outliers(homes, mine)
    _complaints(worker, [h for h in mine if h.pk not in outliers][:1])
    meter_import(
        actor=staff,
        name="供电公司抄表数据.csv",
        content=_readings_csv(homes, outliers, timezone.localdate(), r),
    )
    run = rules_run_start(actor=commander, node=commander.node)
    rules_run_advance(run_id=run.pk, budget_seconds=600)
    cases = list(
        RentalCase.objects.unscoped()
        .filter(grid=worker.node, status=Status.SUSPECTED)
        .order_by("id")
    )
    for case, walk in zip(cases, WALKS, strict=False):
        _walk(case, walk, worker, staff)
    return RentalCase.objects.unscoped().count()


def _walk(case: RentalCase, steps: tuple[str, ...], worker: User, staff: User) -> None:
    version = case.version
    for step in steps:
        command, _, extra = step.partition("+")
        actor = worker if command in ("confirm", "dismiss") else staff
        done = case_apply(
            actor=actor,
            case_id=case.pk,
            command=command,
            expected_version=version,
            finding="现场隔成5间，居住9人，楼道有电动车充电"
            if command == "confirm"
            else "现场为一家三口自住",
            people_found=9 if command == "confirm" else None,
            hazards=["overcrowding", "fire"] if extra else [],
        )
        version = done.version
