"""The demo's registry: people, homes and organisations, compounds and tenancies.

People, homes and organisations go through the exchange's own import path, as a
department's file would: each row is validated, placed on its standard address and
sealed by the same code, and written by the pipeline's bulk upsert, so the seed never
holds a plaintext identifier anywhere but in the file the finished import deletes. The
same path leaves the import jobs the exchange page lists: the finished ones, one with
refused rows and one that failed half-way (an organisations file, so the file it keeps
for a resume holds no personal data).
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import OuterRef, Subquery
from stdnum.cn import ric

from gridgov.accounts.models import User
from gridgov.addresses.models import Address, AddressLevel, address_label
from gridgov.audit.actions import audit_record
from gridgov.core.scope import Scope
from gridgov.demo import names
from gridgov.exchange.actions import import_job_fail, import_job_run, import_job_start
from gridgov.exchange.columns import headers
from gridgov.exchange.models import ImportJob, ImportKind
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import scope_root
from gridgov.registry.models import Compound, Home, Person, ResidentKind, Tenancy, Tenure
from gridgov.registry.validation import region_existed
from gridgov.verification.actions import Decision, change_propose, task_decide
from gridgov.verification.models import RecordKind, Source

# Residents per scale: a few thousand for `make demo`; Qinhuai's ≈740,000 at district scale.
PEOPLE = {"small": 3_000, "district": 740_000, "city": 1_000_000}
PEOPLE_PER_HOME = 2.5
BATCH = 5_000
# GB 11714 organisation code: its characters and the weights of its check character.
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_KINDS = (("户籍人口", 70), ("流动人口", 22), ("寄住人口", 8))
_TENURES = ("自住", "出租", "空置")
_ORG_KINDS = ("企业", "企业", "个体工商户", "事业单位", "社会组织")


def resident_id(rng: random.Random, region: str, taken: set[str]) -> str:
    """A synthetic resident ID number: region, birth date, sequence, checksum (GB 11643).

    Born only in years the region code existed, as the registry's own check demands."""
    while True:
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(80 * 365))
        if not region_existed(region, birth.year):
            continue
        body = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(f"{body}0")
        if number not in taken:
            taken.add(number)
            return number


def credit_code(rng: random.Random, region: str, taken: set[str]) -> str:
    """A synthetic unified social credit code (GB 32100) with a valid organisation code."""
    from stdnum.cn import uscc

    while True:
        org = "".join(rng.choice("0123456789") for _ in range(8))
        remainder = 11 - sum(int(c) * w for c, w in zip(org, _ORG_WEIGHTS, strict=True)) % 11
        org += {10: "X", 11: "0"}.get(remainder, str(remainder))
        body = f"91{region}{org}"
        code = body + uscc.calc_check_digit(body)
        if code not in taken:
            taken.add(code)
            return code


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _write_csv(path: Path, kind: str, rows: Iterable[Sequence[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers(kind))
        writer.writerows(rows)
    return path


def _import(actor: User, kind: str, path: Path, name: str) -> ImportJob:
    job = import_job_start(actor=actor, kind=kind, path=path, file_name=name)
    return import_job_run(actor=actor, job=job)


@dataclass(frozen=True)
class Room:
    """A room of the address library, read as plain values: a city has over a million."""

    code: str
    label: str
    grid_code: str
    compound: str


ROOM_FIELDS = ("code", "grid_code", "compound", "road__name", "door", "building", "unit", "room")


def _rooms(root: str) -> list[Room]:
    rows = (
        Address.objects.visible_to(Scope.within(root))
        .filter(level=AddressLevel.ROOM)
        .order_by("code")
        .values_list(*ROOM_FIELDS)
    )
    return [
        Room(code, address_label(road, door, compound, building, unit, room), grid, compound)
        for code, grid, compound, road, door, building, unit, room in rows
    ]


def registry_seed(*, scale: str, seed: int) -> dict[str, int]:
    """Seed the registry of the whole demo city; returns what was written.

    Each district's files are imported by someone whose jurisdiction holds it: Qinhuai's by
    its commander (so the exchange page shows them to "dc"), the rest of the city's by the
    city commander. The imports write people, homes and organisations; the links the files
    cannot carry (homes in compounds, people in homes, tenants) follow in bulk."""
    rng = random.Random(f"registry-{seed}")  # noqa: S311 — made-up data, reproducible
    district, city = User.objects.get(username="dc"), User.objects.get(username="cc")
    local = scope_root(district).code
    everywhere = scope_root(city).code
    rooms = _rooms(everywhere)
    doors = list(
        Address.objects.visible_to(Scope.within(everywhere))
        .filter(level=AddressLevel.DOOR)
        .select_related("road")
        .order_by("code")
    )
    people = PEOPLE[scale]
    homes = rng.sample(rooms, min(len(rooms), int(people / PEOPLE_PER_HOME)))
    taken: set[str] = set()
    codes: set[str] = set()
    jobs: list[ImportJob] = []
    organisations: dict[bool, list[list[str]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for actor, inside in ((district, True), (city, False)):
            mine = [h for h in homes if h.grid_code.startswith(local) == inside]
            if not mine:
                continue
            share = round(people * len(mine) / len(homes))
            mine_doors = [d for d in doors if d.grid_code.startswith(local) == inside]
            organisations[inside] = _org_rows(rng, mine_doors, share, codes)
            files = (
                (ImportKind.HOMES, _home_rows(rng, mine)),
                (ImportKind.PEOPLE, _people_rows(rng, mine, share, taken)),
                (ImportKind.ORGANISATIONS, organisations[inside]),
            )
            own = work / actor.username
            own.mkdir()
            for kind, rows in files:
                path = _write_csv(own / f"{kind}.csv", kind, rows)
                jobs.append(_import(actor, kind, path, f"demo-{kind}.csv"))
        local_homes = [h for h in homes if h.grid_code.startswith(local)]
        refused = _refused_rows(list(_people_rows(rng, local_homes, 6, taken)))
        _import(
            district,
            ImportKind.PEOPLE,
            _write_csv(work / "bad.csv", "people", refused),
            "补录人员.csv",
        )
        _failed_import(district, work, organisations[True])
    created = {
        kind: sum(j.rows_created for j in jobs if j.kind == kind) for kind in ImportKind.values
    }
    return {
        "people": created[ImportKind.PEOPLE],
        "homes": created[ImportKind.HOMES],
        "organisations": created[ImportKind.ORGANISATIONS],
        **links_seed(actor=city, rng=rng, rooms=rooms),
        "import_jobs": len(jobs) + 2,
        "verification_tasks": _verification(rng, taken),
    }


def _home_rows(rng: random.Random, homes: Sequence[Room]) -> list[list[str]]:
    return [
        [home.label, f"{rng.uniform(35, 160):.2f}", "住宅", rng.choices(_TENURES, (70, 22, 8))[0]]
        for home in homes
    ]


def _org_rows(
    rng: random.Random, doors: Sequence[Address], people: int, codes: set[str]
) -> list[list[str]]:
    """One organisation per twenty residents, at door addresses."""
    return [
        [
            f"{names.place_stem(door.road.name)}{rng.choice(('商贸', '餐饮', '科技', '物业'))}"
            f"{'有限公司' if rng.random() < 0.7 else '服务部'}",
            credit_code(rng, door.grid_code[:6], codes),
            rng.choice(_ORG_KINDS),
            door.label,
            str(rng.randrange(1, 200)),
        ]
        for door in rng.sample(doors, min(len(doors), max(1, people // 20)))
    ]


def _verification(rng: random.Random, taken: set[str]) -> int:
    """The grid worker's queue: a department's changes to people of the demo grid, some
    decided each way, and a newcomer declared at the desk, waiting."""
    office, worker = User.objects.get(username="cs"), User.objects.get(username="gw")
    assert worker.node is not None  # noqa: S101 — demo_accounts_ensure placed the account
    grid = worker.node
    people = list(Person.objects.filter(grid=grid).order_by("pk")[:8])
    decisions = (
        Decision.CONFIRM,
        Decision.CONFIRM,
        Decision.CORRECT,
        Decision.REJECT,
        None,
        None,
        None,
        None,
    )
    made = 0
    for person, decision in zip(people, decisions, strict=False):
        task = change_propose(
            actor=office,
            source=Source.DEPARTMENT_FILE,
            record_kind=RecordKind.PERSON,
            record_id=person.pk,
            changes={"phone": _phone(rng), "moved_in": "2025-03-01"},
            batch="公安人口数据",
        ).task
        if task is None:
            continue
        made += 1
        if decision is not None:
            task_decide(
                actor=worker,
                task_id=task.pk,
                decision=decision,
                corrected_values={"moved_in": "2025-02-15"}
                if decision == Decision.CORRECT
                else None,
                note="入户核实",
            )
    change_propose(
        actor=office,
        source=Source.SELF_DECLARATION,
        record_kind=RecordKind.PERSON,
        id_number=resident_id(rng, grid.code[:6], taken),
        changes={"name": names.person(rng), "kind": ResidentKind.FLOATING},
        grid_code=grid.code,
    )
    return made + 1


def _people_rows(
    rng: random.Random, homes: Sequence[Room], count: int, taken: set[str]
) -> Iterator[list[str]]:
    """Rows of a people file, made as they are written: a city's million stay off the heap."""
    for i in range(count):
        home = homes[i % len(homes)]
        yield [
            names.person(rng),
            resident_id(rng, home.grid_code[:6], taken),
            "",
            "",
            _phone(rng) if rng.random() < 0.6 else "",
            rng.choices([k for k, _ in _KINDS], [w for _, w in _KINDS])[0],
            home.label,
            (date(2000, 1, 1) + timedelta(days=rng.randrange(9000))).isoformat(),
        ]


def _refused_rows(rows: list[list[str]]) -> list[list[str]]:
    """A department's file with the mistakes real files have: a mistyped check digit, an
    address the library does not know, a missing name."""
    for row in rows[:2]:
        row[1] = row[1][:-1] + ("0" if row[1][-1] != "0" else "1")
    rows[2][6] = "不存在路999号"
    rows[3][0] = ""
    return rows


def _failed_import(actor: User, work: Path, org_rows: list[list[str]]) -> None:
    """One batch committed, then the run stopped for good: the page offers to resume it."""
    path = _write_csv(work / "orgs.csv", "organisations", [*org_rows[:3], *org_rows[:3]])
    job = import_job_start(
        actor=actor, kind=ImportKind.ORGANISATIONS, path=path, file_name="单位名录（续）.csv"
    )
    import_job_run(actor=actor, job=job, batch_size=3, seconds=0)
    import_job_fail(job_id=job.pk, error="数据库连接中断")


def links_seed(*, actor: User, rng: random.Random, rooms: Sequence[Room]) -> dict[str, int]:
    """What an import file cannot say, written in bulk: the compounds of the address library,
    each home in its room's compound, each person in the home at their address, and a tenancy
    for every floating resident of a rented home. One audit entry records the counts.

    The registry has no bulk action for these links yet; per-record actions took minutes at
    district scale (one audited transaction per compound and per tenancy)."""
    with transaction.atomic():
        counts = {
            "compounds": _compounds(rng, rooms),
            "homes_in_compounds": _homes_in_compounds(),
            "people_in_homes": _people_in_homes(),
            "tenancies": _tenancies(),
        }
        audit_record(actor=actor, action="demo.registry_links", detail=counts)
    return counts


def _compounds(rng: random.Random, rooms: Sequence[Room]) -> int:
    grids = {
        code: (pk, parent or pk)
        for code, pk, parent in Node.objects.filter(level=Level.GRID).values_list(
            "code", "pk", "parent_id"
        )
    }
    places = sorted({(room.compound, room.grid_code) for room in rooms if room.compound})
    compounds = []
    for name, grid in places:
        managed = rng.random() < 0.6
        compounds.append(
            Compound(
                name=name,
                managed=managed,
                company=f"{names.place_stem(name)}物业服务有限公司" if managed else "",
                grid_id=grids[grid][0],
                community_id=grids[grid][1],
            )
        )
    Compound.objects.bulk_create(compounds, batch_size=BATCH)
    return len(compounds)


def _homes_in_compounds() -> int:
    """A home's compound is its room's: same grid, the name the address library gives."""
    room_compound = Address.objects.filter(code=OuterRef(OuterRef("address_code"))).values(
        "compound"
    )[:1]
    compound = Compound.objects.filter(grid=OuterRef("grid"), name=Subquery(room_compound))
    return Home.objects.filter(compound__isnull=True).update(
        compound=Subquery(compound.values("pk")[:1])
    )


def _people_in_homes() -> int:
    home = Home.objects.filter(grid=OuterRef("grid"), address_code=OuterRef("address_code"))
    return Person.objects.filter(home__isnull=True).update(home=Subquery(home.values("pk")[:1]))


def _tenancies() -> int:
    """Every floating resident of a rented home is its tenant since they moved in."""
    tenants = (
        Person.objects.filter(kind=ResidentKind.FLOATING, home__tenure=Tenure.RENTED)
        .order_by("pk")
        .values_list("home_id", "pk", "moved_in")
    )
    made = Tenancy.objects.bulk_create(
        (
            Tenancy(home_id=home, person_id=person, start=moved_in or date(2020, 1, 1))
            for home, person, moved_in in tenants.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    return len(made)
