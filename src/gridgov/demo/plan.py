"""The demo city as unsaved model instances, decided entirely by the seed.

Nothing here touches the database: the plan is built in memory from the
Nanjing extract and two random streams (random.Random for names and
choices, numpy's default_rng for geometry), always in code order, so one
seed gives the same codes, names and boundaries on every machine. The
actions module then writes the plan level by level with bulk inserts.
"""

from __future__ import annotations

import importlib.resources
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from gridgov.demo import names
from gridgov.demo.geometry import district_boundaries, inset, polygonal, tile
from gridgov.departments.models import Department, DepartmentKind
from gridgov.jurisdiction.actions import holder_codes, wkb_of
from gridgov.jurisdiction.models import GridKind, InstitutionKind, LayerKind, Level, Node
from gridgov.staffing.models import (
    GroupRole,
    LegalProfession,
    StaffAssignment,
    StaffKind,
    StaffMember,
    WorkGroup,
    WorkGroupMember,
)

QINHUAI = "320104"
# Registered residents from the Qinhuai article; a fully seeded district is scaled to it.
REGISTERED_RESIDENTS = {QINHUAI: 588_943}
MEDIAN_GRID_POPULATION = 440
FULL_TIME_GAP = 0.03
LEGAL_AFFAIRS_COVER = 0.90
GRIDS_PER_BEAT = 4
# Grids per community grow only gently with area: a rural community is many
# times larger than an urban one but not much more populous, and grids are
# drawn by households (Qinhuai has 1,334 of Nanjing's 12,545 grids).
AREA_EXPONENT = 0.2


@dataclass(frozen=True)
class Scale:
    name: str
    districts: tuple[str, ...] | None  # None: every district of the extract
    max_subdistricts: int | None  # per district; None: all
    grids_total: int | None  # None: grids_per_community for each community
    min_grids: int
    grids_per_community: int = 2


SCALES: dict[str, Scale] = {
    "small": Scale("small", (QINHUAI,), 3, None, 1),
    # Qinhuai's real grid count (1,334) and Nanjing's (12,545), from the articles.
    "district": Scale("district", (QINHUAI,), None, 1_334, 3),
    "city": Scale("city", None, None, 12_545, 3),
}

# (code suffix, name template, kind); {d} is the district name, {s} its stem.
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("urban", "{d}城市管理局", DepartmentKind.DEPARTMENT),
    ("police", "南京市公安局{s}分局", DepartmentKind.DEPARTMENT),
    ("fire", "{d}消防救援大队", DepartmentKind.DEPARTMENT),
    ("market", "{d}市场监督管理局", DepartmentKind.DEPARTMENT),
    ("housing", "{d}住房和城乡建设局", DepartmentKind.DEPARTMENT),
    ("environment", "南京市{s}生态环境局", DepartmentKind.DEPARTMENT),
    ("centre", "{d}社会治理指挥分中心", DepartmentKind.SUB_CENTRE),
)
URBAN_MANAGEMENT = "urban"

# (kind, weight in town, weight in villages, name templates; {c} is the community stem)
INSTITUTIONS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    (InstitutionKind.SCHOOL, 30, 20, ("{c}小学", "{c}中学", "{c}幼儿园")),
    (InstitutionKind.HOSPITAL, 15, 10, ("{c}社区卫生服务中心", "{c}医院")),
    (InstitutionKind.PARK, 20, 10, ("{c}公园", "{c}游园")),
    (InstitutionKind.MARKET, 20, 25, ("{c}农贸市场", "{c}菜场")),
    (InstitutionKind.INDUSTRIAL_PARK, 15, 35, ("{c}科技产业园", "{c}工业园")),
)
LEGAL_PROFESSIONS: tuple[tuple[str, int], ...] = (
    (LegalProfession.POLICE, 50),
    (LegalProfession.LAWYER, 20),
    (LegalProfession.JUDGE, 10),
    (LegalProfession.PROSECUTOR, 10),
    (LegalProfession.JUDICIAL, 10),
)
DEPUTIES = ("社区民警", "城管中队长", "物业经理")


def extract() -> dict[str, Any]:
    source = importlib.resources.files("gridgov.demo.data") / "nanjing.json"
    return dict(json.loads(source.read_text(encoding="utf-8")))


def allocate(total: int, weights: np.ndarray, minimum: int) -> list[int]:
    """Split `total` into integers proportional to `weights`, each ≥ minimum (largest remainder)."""
    rest = max(total - minimum * len(weights), 0)
    share = rest * weights / weights.sum()
    counts = np.floor(share).astype(int)
    short = rest - int(counts.sum())
    counts[np.argsort(-(share - counts), kind="stable")[:short]] += 1
    return [minimum + int(c) for c in counts]


@dataclass
class Unit:
    kind: str
    code: str
    name: str
    geometry: shapely.Geometry
    holder: str  # code of the deepest node holding the unit


@dataclass
class Plan:
    scale: Scale
    seed: int
    levels: dict[int, list[Node]] = field(default_factory=dict)
    geometry: dict[str, shapely.Geometry] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    assignments: list[StaffAssignment] = field(default_factory=list)
    groups: list[WorkGroup] = field(default_factory=list)
    group_grids: list[tuple[WorkGroup, Node]] = field(default_factory=list)
    group_members: list[WorkGroupMember] = field(default_factory=list)

    def nodes(self) -> Iterator[Node]:
        for level in sorted(self.levels):
            yield from self.levels[level]

    def counts(self) -> dict[str, int]:
        return {
            "districts": len(self.levels.get(Level.DISTRICT, [])),
            "subdistricts": len(self.levels.get(Level.SUBDISTRICT, [])),
            "communities": len(self.levels.get(Level.COMMUNITY, [])),
            "grids": len(self.levels.get(Level.GRID, [])),
            "layer_units": len(self.units),
            "departments": len(self.departments),
            "staff": len(self.staff),
            "work_groups": len(self.groups),
        }


class Planner:
    """Builds a Plan; each step draws from the two streams in code order."""

    def __init__(self, scale: Scale, seed: int, tick: Callable[[int], object]) -> None:
        self.plan = Plan(scale=scale, seed=seed)
        self.rng = np.random.default_rng(seed)
        self.pick = random.Random(seed)  # noqa: S311 — reproducible demo data, not secrets
        self.tick = tick
        self.community_kind: dict[str, str] = {}
        self.grids_of: dict[str, list[Node]] = {}

    def node(
        self,
        code: str,
        name: str,
        level: int,
        parent: Node | None,
        geom: shapely.Geometry,
        **extra: Any,
    ) -> Node:
        node = Node(
            code=code, name=name, level=level, parent=parent, boundary=wkb_of(geom), **extra
        )
        self.plan.levels.setdefault(level, []).append(node)
        self.plan.geometry[code] = geom
        return node

    def build(self) -> Plan:
        data = extract()
        scale = self.plan.scale
        outlines = district_boundaries()
        city = self.node(
            data["city"]["code"],
            data["city"]["name"],
            Level.CITY,
            None,
            polygonal(shapely.union_all(list(outlines.values()))),
        )
        communities: list[Node] = []
        for district_data in data["districts"]:
            if scale.districts is not None and district_data["code"] not in scale.districts:
                continue
            district = self.node(
                district_data["code"],
                district_data["name"],
                Level.DISTRICT,
                city,
                outlines[district_data["code"]],
            )
            communities += self._subdistricts(district, district_data["subdistricts"])
        self._grids(communities)
        return self.plan

    def _subdistricts(self, district: Node, rows: list[dict[str, Any]]) -> list[Node]:
        cells = tile(self.plan.geometry[district.code], len(rows), self.rng)
        kept = rows[: self.plan.scale.max_subdistricts]
        communities = []
        for row, cell in zip(kept, cells, strict=False):
            sub = self.node(row["code"], row["name"], Level.SUBDISTRICT, district, cell)
            for com_row, com_cell in zip(
                row["communities"], tile(cell, len(row["communities"]), self.rng), strict=False
            ):
                community = self.node(
                    com_row["code"], com_row["name"], Level.COMMUNITY, sub, com_cell
                )
                self.community_kind[community.code] = com_row["kind"]
                communities.append(community)
        return communities

    def _grid_counts(self, communities: list[Node]) -> list[int]:
        scale = self.plan.scale
        total = scale.grids_total or scale.grids_per_community * len(communities)
        areas = np.array([self.plan.geometry[c.code].area for c in communities])
        weights = areas**AREA_EXPONENT * self.rng.lognormal(0.0, 0.3, size=len(communities))
        return allocate(total, weights, scale.min_grids)

    def _grids(self, communities: list[Node]) -> None:
        for community, count in zip(communities, self._grid_counts(communities), strict=True):
            self._community_grids(community, count)
            self.tick(1)
        self._scale_population()

    def _community_grids(self, community: Node, count: int) -> None:
        cells = tile(self.plan.geometry[community.code], count, self.rng)
        dedicated = 0
        if len(cells) >= 2 and self.pick.random() < 0.3:
            dedicated += 1
        if len(cells) >= 8 and self.pick.random() < 0.3:
            dedicated += 1
        smallest = set(np.argsort([c.area for c in cells], kind="stable")[:dedicated].tolist())
        stem = names.place_stem(community.name)
        village = self.community_kind[community.code] == "village"
        grids = []
        ordinal = 0
        for seq, cell in enumerate(cells, start=1):
            code = f"{community.code}{seq:03d}"
            if seq - 1 in smallest:
                kind, institution = self._institution(stem, village)
                grid = self.node(
                    code,
                    f"{institution}专属网格",
                    Level.GRID,
                    community,
                    cell,
                    grid_kind=GridKind.DEDICATED,
                    institution_kind=kind,
                    institution_name=institution,
                    population=self.pick.randint(0, 120),
                )
            else:
                ordinal += 1
                grid = self.node(
                    code,
                    f"{community.name}第{ordinal}网格",
                    Level.GRID,
                    community,
                    cell,
                    grid_kind=GridKind.COMPREHENSIVE,
                    population=int(self.rng.lognormal(math.log(MEDIAN_GRID_POPULATION), 0.35)),
                )
            grids.append(grid)
        self.grids_of[community.code] = grids

    def _institution(self, stem: str, village: bool) -> tuple[str, str]:
        weights = [rural if village else town for _k, town, rural, _t in INSTITUTIONS]
        kind, _town, _rural, templates = self.pick.choices(INSTITUTIONS, weights=weights)[0]
        return str(kind), self.pick.choice(templates).format(c=stem)

    def _scale_population(self) -> None:
        """A fully seeded district carries its real registered population, spread as drawn."""
        if self.plan.scale.max_subdistricts is not None:
            return
        for district_code, residents in REGISTERED_RESIDENTS.items():
            grids = [
                g
                for g in self.plan.levels.get(Level.GRID, [])
                if g.code.startswith(district_code) and g.grid_kind == GridKind.COMPREHENSIVE
            ]
            drawn = sum(g.population or 0 for g in grids)
            if not drawn:
                continue
            target = residents - sum(
                g.population or 0
                for g in self.plan.levels[Level.GRID]
                if g.code.startswith(district_code) and g.grid_kind == GridKind.DEDICATED
            )
            for grid in grids:
                grid.population = round((grid.population or 0) * target / drawn)
            grids[0].population = (
                (grids[0].population or 0) + target - sum(g.population or 0 for g in grids)
            )

    # Overlay layers ------------------------------------------------------

    def layers(self) -> None:
        plan = self.plan
        for sub in plan.levels.get(Level.SUBDISTRICT, []):
            geom = plan.geometry[sub.code]
            grid_count = sum(
                len(self.grids_of[c.code]) for c in plan.levels[Level.COMMUNITY] if c.parent is sub
            )
            stem = names.place_stem(sub.name)
            beats = tile(geom, max(1, round(grid_count / GRIDS_PER_BEAT)), self.rng)
            for k, cell in enumerate(beats, start=1):
                plan.units.append(
                    Unit(
                        LayerKind.POLICE_BEAT,
                        f"PB{sub.code}{k:03d}",
                        f"{stem}派出所第{k}警格",
                        cell,
                        sub.code,
                    )
                )
            for k, cell in enumerate(tile(geom, self.pick.randint(2, 5), self.rng), start=1):
                plan.units.append(
                    Unit(
                        LayerKind.SAFETY_GRID,
                        f"SG{sub.code}{k:02d}",
                        f"{sub.name}安全生产第{k}网格",
                        cell,
                        sub.code,
                    )
                )
        self._holders()
        for grid in plan.levels.get(Level.GRID, []):
            if grid.grid_kind == GridKind.COMPREHENSIVE:
                self._compounds(grid)

    def _holders(self) -> None:
        """Beats and safety grids belong to the deepest node holding them (or their subdistrict)."""
        tree = {
            n.code: (n.level, self.plan.geometry[n.code])
            for n in self.plan.nodes()
            if n.level >= Level.SUBDISTRICT
        }
        holders = holder_codes([u.geometry for u in self.plan.units], tree)
        for unit, holder in zip(self.plan.units, holders, strict=True):
            unit.holder = holder or unit.holder

    def _compounds(self, grid: Node) -> None:
        count = self.pick.randint(1, 3)
        blocks = tile(self.plan.geometry[grid.code], count + 1, self.rng, lloyd=1)
        for k, block in enumerate(blocks[:count], start=1):
            shape = inset(block, self.pick.uniform(0.45, 0.75))
            if shape.is_empty:
                continue
            self.plan.units.append(
                Unit(
                    LayerKind.COMPOUND,
                    f"RC{grid.code}{k}",
                    names.compound(self.pick),
                    shape,
                    grid.code,
                )
            )

    # Departments, staff and work groups ----------------------------------

    def departments(self) -> None:
        for district in self.plan.levels.get(Level.DISTRICT, []):
            stem = names.place_stem(district.name)
            parent = None
            for suffix, template, kind in DEPARTMENTS:
                department = Department(
                    code=f"{district.code}-{suffix}",
                    name=template.format(d=district.name, s=stem),
                    kind=kind,
                    parent=parent if kind == DepartmentKind.SUB_CENTRE else None,
                    node=district,
                )
                if suffix == URBAN_MANAGEMENT:
                    parent = department
                self.plan.departments.append(department)

    def staffing(self) -> None:
        by_code = {n.code: n for n in self.plan.nodes() if n.level <= Level.SUBDISTRICT}
        for community in self.plan.levels.get(Level.COMMUNITY, []):
            district = by_code[community.code[:6]]
            sub = by_code[community.code[:9]]
            self._community_staff(community, sub, district)

    def _person(
        self, kind: str, community: Node, employer: str = "", profession: str = ""
    ) -> StaffMember:
        member = StaffMember(
            name=names.person(self.pick),
            kind=kind,
            profession=profession,
            employer=employer,
            home_node=community,
            work_phone=self._duty_phone(kind),
        )
        self.plan.staff.append(member)
        return member

    def _duty_phone(self, kind: str) -> str:
        """The posted duty line (上岗公示) of grid leaders and full-time workers; drawn from the
        count, not the random stream, so the rest of the seeded city stays as it was."""
        if kind not in (StaffKind.GRID_LEADER, StaffKind.FULL_TIME):
            return ""
        return f"025-{86_000_000 + len(self.plan.staff)}"

    def _assign(self, member: StaffMember, grids: list[Node]) -> None:
        self.plan.assignments += [StaffAssignment(staff=member, grid=g) for g in grids]

    def _community_staff(self, community: Node, sub: Node, district: Node) -> None:
        grids = self.grids_of[community.code]
        committee = community.name + ("村委会" if community.name.endswith("村") else "居委会")
        leader = self._person(StaffKind.GRID_LEADER, community, committee)
        self._assign(leader, grids)
        full_time: list[StaffMember] = []
        for grid in grids:
            if self.pick.random() >= FULL_TIME_GAP:
                worker = self._person(StaffKind.FULL_TIME, community, committee)
                self._assign(worker, [grid])
                full_time.append(worker)
            if self.pick.random() < 0.4:
                self._assign(self._person(StaffKind.PART_TIME, community, committee), [grid])
            if grid.grid_kind == GridKind.COMPREHENSIVE:
                for _ in range(self.pick.randint(0, 2)):
                    self._assign(self._person(StaffKind.BUILDING_HEAD, community), [grid])
        police = self._legal_affairs(community, sub, district, grids)
        for _ in range(self.pick.randint(2, 5)):
            volunteer = self._person(StaffKind.VOLUNTEER, community)
            self._assign(
                volunteer, self.pick.sample(grids, min(len(grids), self.pick.randint(1, 2)))
            )
        self._work_group(community, grids, leader, full_time, police)

    def _legal_affairs(
        self, community: Node, sub: Node, district: Node, grids: list[Node]
    ) -> StaffMember | None:
        """About nine grids in ten get one; a legal-affairs worker serves a run of 1–3 grids."""
        covered = [g for g in grids if self.pick.random() < LEGAL_AFFAIRS_COVER]
        professions, weights = zip(*LEGAL_PROFESSIONS, strict=True)
        sub_stem, district_stem = names.place_stem(sub.name), names.place_stem(district.name)
        employers = {
            LegalProfession.POLICE: f"南京市公安局{district_stem}分局{sub_stem}派出所",
            LegalProfession.JUDGE: f"南京市{district.name}人民法院",
            LegalProfession.PROSECUTOR: f"南京市{district.name}人民检察院",
            LegalProfession.JUDICIAL: f"{district.name}司法局{sub_stem}司法所",
        }
        police = None
        while covered:
            size = self.pick.randint(1, 3)
            run, covered = covered[:size], covered[size:]
            profession = self.pick.choices(professions, weights=weights)[0]
            employer = employers.get(profession) or names.law_firm(self.pick)
            member = self._person(StaffKind.LEGAL_AFFAIRS, community, employer, str(profession))
            self._assign(member, run)
            if profession == LegalProfession.POLICE and police is None:
                police = member
        return police

    def _work_group(
        self,
        community: Node,
        grids: list[Node],
        leader: StaffMember,
        full_time: list[StaffMember],
        police: StaffMember | None,
    ) -> None:
        group = WorkGroup(name=f"{community.name}网格工作组", node=community)
        self.plan.groups.append(group)
        self.plan.group_grids += [(group, g) for g in grids]
        seats = [
            WorkGroupMember(
                group=group, role=GroupRole.LEADER, name=leader.name, title="网格长", staff=leader
            )
        ]
        for title in DEPUTIES:
            staff = police if title == DEPUTIES[0] else None
            name = staff.name if staff is not None else names.person(self.pick)
            seats.append(
                WorkGroupMember(
                    group=group, role=GroupRole.DEPUTY, name=name, title=title, staff=staff
                )
            )
        seats += [
            WorkGroupMember(
                group=group, role=GroupRole.MEMBER, name=w.name, title="专职网格员", staff=w
            )
            for w in full_time
        ]
        self.plan.group_members += seats


def plan_city(scale: Scale, seed: int, tick: Callable[[int], object] = lambda _n: None) -> Plan:
    planner = Planner(scale, seed, tick)
    planner.build()
    planner.layers()
    planner.departments()
    planner.staffing()
    return planner.plan


def community_count(scale: Scale) -> int:
    """How many communities a scale seeds, for sizing the progress bar before planning."""
    total = 0
    for district in extract()["districts"]:
        if scale.districts is None or district["code"] in scale.districts:
            for sub in district["subdistricts"][: scale.max_subdistricts]:
                total += len(sub["communities"])
    return total
