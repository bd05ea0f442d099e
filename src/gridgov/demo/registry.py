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
from datetime import date, timedelta
from pathlib import Path

from stdnum.cn import ric

from gridgov.accounts.models import User
from gridgov.addresses.models import Address, AddressLevel
from gridgov.demo import names
from gridgov.exchange.actions import import_job_fail, import_job_run, import_job_start
from gridgov.exchange.columns import headers
from gridgov.exchange.models import ImportJob, ImportKind
from gridgov.jurisdiction.selectors import scope_root
from gridgov.registry.actions import compound_upsert, tenancy_add
from gridgov.registry.models import Home, Person, ResidentKind, Tenure
from gridgov.registry.validation import region_existed
from gridgov.verification.actions import Decision, change_propose, task_decide
from gridgov.verification.models import RecordKind, Source

# Residents per scale: a few thousand for `make demo`; Qinhuai's ≈740,000 at district scale.
PEOPLE = {"small": 3_000, "district": 740_000, "city": 1_000_000}
PEOPLE_PER_HOME = 2.5
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


def registry_seed(*, actor: User, scale: str, seed: int) -> dict[str, int]:
    """Seed the registry inside the actor's jurisdiction; returns what was written."""
    rng = random.Random(f"registry-{seed}")  # noqa: S311 — made-up data, reproducible
    root = scope_root(actor).code
    addresses = Address.objects.filter(grid_code__startswith=root).select_related("road")
    rooms = list(addresses.filter(level=AddressLevel.ROOM).order_by("code"))
    doors = list(addresses.filter(level=AddressLevel.DOOR).order_by("code"))
    people = PEOPLE[scale]
    homes = rng.sample(rooms, min(len(rooms), int(people / PEOPLE_PER_HOME)))
    taken: set[str] = set()
    home_rows = [
        [home.label, f"{rng.uniform(35, 160):.2f}", "住宅", rng.choices(_TENURES, (70, 22, 8))[0]]
        for home in homes
    ]
    codes: set[str] = set()
    org_rows = [
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
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        jobs = [
            _import(actor, kind, _write_csv(work / f"{kind}.csv", kind, rows), f"demo-{kind}.csv")
            for kind, rows in (
                (ImportKind.HOMES, home_rows),
                (ImportKind.PEOPLE, _people_rows(rng, homes, people, taken)),
                (ImportKind.ORGANISATIONS, org_rows),
            )
        ]
        refused = _refused_rows(list(_people_rows(rng, homes, 6, taken)))
        _import(
            actor,
            ImportKind.PEOPLE,
            _write_csv(work / "bad.csv", "people", refused),
            "补录人员.csv",
        )
        _failed_import(actor, work, org_rows)
    return {
        "people": sum(j.rows_created for j in jobs if j.kind == ImportKind.PEOPLE),
        "homes": sum(j.rows_created for j in jobs if j.kind == ImportKind.HOMES),
        "organisations": sum(j.rows_created for j in jobs if j.kind == ImportKind.ORGANISATIONS),
        "compounds": _compounds(actor, rng, rooms),
        "tenancies": _tenancies(actor, root),
        "import_jobs": len(jobs) + 2,
        "verification_tasks": _verification(rng, taken),
    }


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
    rng: random.Random, homes: Sequence[Address], count: int, taken: set[str]
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


def _compounds(actor: User, rng: random.Random, rooms: list[Address]) -> int:
    places = sorted({(a.compound, a.grid_code) for a in rooms if a.compound})
    for name, grid in places:
        managed = rng.random() < 0.6
        company = f"{names.place_stem(name)}物业服务有限公司" if managed else ""
        compound_upsert(actor=actor, name=name, managed=managed, company=company, grid_code=grid)
    return len(places)


def _tenancies(actor: User, root: str) -> int:
    """Every rented home gets a floating resident as its tenant."""
    rented = Home.objects.filter(tenure=Tenure.RENTED, grid__code__startswith=root).order_by("pk")
    tenants = Person.objects.filter(kind=ResidentKind.FLOATING, grid__code__startswith=root)
    pairs = list(zip(rented, tenants.order_by("pk"), strict=False))
    for home, person in pairs:
        start = person.moved_in or date(2020, 1, 1)
        tenancy_add(actor=actor, home=home, person=person, start=start)
    return len(pairs)
