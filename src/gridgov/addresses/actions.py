"""Every write to the address library: admin edits and the demo's generated library.

A standard address's code is assigned once, from its place in the
hierarchy, and never changes: corrections move the point or rename the
compound, they do not renumber. Every write bumps LibraryVersion so each
process's matcher index rebuilds on its next query.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shapely
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability
from gridgov.addresses.generate import DENSITIES, GridSite, PlannedAddress, plan_library
from gridgov.addresses.models import Address, AddressLevel, LibraryVersion, Road
from gridgov.audit.actions import audit_record
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Problem
from gridgov.core.scope import Scope
from gridgov.jurisdiction.models import CODE_LENGTH, GridKind, LayerKind, LayerUnit, Level, Node
from gridgov.jurisdiction.spatial import locate_many

if TYPE_CHECKING:
    from gridgov.accounts.models import User

BATCH = 5_000


def library_version_bump() -> None:
    """Random step, as for boundaries: a rolled-back bump must not reuse a cached version."""
    step = secrets.randbelow(2**31) + 1
    if not LibraryVersion.objects.filter(pk=1).update(version=F("version") + step):
        LibraryVersion.objects.create(pk=1, version=step)


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.can(Capability.MANAGE_BOUNDARIES):
        raise PermissionDenied(_("Your role may not edit the address library."))


def _actor_covers(actor: User | None, code: str) -> bool:
    """Whether a node lies where the actor sits (the console, with no actor, sits everywhere)."""
    return actor is None or Scope.within(actor.place_code).covers(code)


def _grid_of(actor: User | None, lon: float, lat: float) -> tuple[Node, int]:
    """The grid holding the point (and its community's id), inside the actor's jurisdiction."""
    assignment = locate_many([lon], [lat])
    grid_id = int(assignment.grid_ids()[0])
    grid = Node.objects.filter(pk=grid_id).first() if grid_id >= 0 else None
    if grid is None or grid.parent_id is None or not _actor_covers(actor, grid.code):
        raise InvalidInput(
            _("The point lies in none of your grids."),
            problems=[Problem("outside_grids", _("The point lies in none of your grids."), "lon")],
        )
    return grid, grid.parent_id


@transaction.atomic
def road_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    district_code: str,
    aliases: Sequence[str] = (),
) -> Road:
    _require_admin(actor)
    district = Node.objects.filter(code=district_code, level=Level.DISTRICT).first()
    if district is None or not _actor_covers(actor, district.code):
        raise NotFound(_("No such district: %(code)s") % {"code": district_code})
    # Codes and names are unique in the whole city, whoever sees the other road.
    roads = Road.objects.unscoped()
    if roads.filter(code=code).exists() or roads.filter(name=name).exists():
        raise Conflict(_("A road with this code or name exists already."), code="road_exists")
    road = Road.objects.create(code=code, name=name, district=district, aliases=list(aliases))
    audit_record(actor=actor, action="addresses.road_create", target=road)
    library_version_bump()
    return road


@transaction.atomic
def road_update(
    *, actor: User | None, road: Road, name: str | None = None, aliases: Sequence[str] | None = None
) -> Road:
    """Rename a road (the old name is kept as an alias, as old records still use it)."""
    _require_admin(actor)
    detail: dict[str, object] = {}
    if name is not None and name != road.name:
        # Names are unique in the whole city, whoever sees the other road.
        if Road.objects.unscoped().filter(name=name).exclude(pk=road.pk).exists():
            raise Conflict(_("A road with this code or name exists already."), code="road_exists")
        detail["name"] = [road.name, name]
        road.aliases = [*road.aliases, road.name]
        road.name = name
    if aliases is not None:
        road.aliases = list(dict.fromkeys(a for a in aliases if a and a != road.name))
        detail["aliases"] = road.aliases
    road.save()
    audit_record(actor=actor, action="addresses.road_update", target=road, detail=detail)
    library_version_bump()
    return road


@transaction.atomic
def address_create(
    *,
    actor: User | None,
    road_code: str,
    door: int,
    lon: float,
    lat: float,
    compound: str = "",
    building: int | None = None,
    unit: int | None = None,
    room: int | None = None,
    floor: int | None = None,
) -> Address:
    """A new standard address; the levels above it must exist already (a room needs its unit)."""
    _require_admin(actor)
    # Any road of the city may lead to an address in the actor's grids.
    road = Road.objects.unscoped().filter(code=road_code).first()
    if road is None:
        raise NotFound(_("No such road: %(code)s") % {"code": road_code}, code="road_not_found")
    parts = [building, unit, room]
    depth = sum(1 for p in parts if p is not None)
    if parts[:depth] != [p for p in parts if p is not None]:
        raise InvalidInput(
            _("A unit needs its building and a room its unit."),
            problems=[Problem("gap", _("A unit needs its building and a room its unit."))],
        )
    parent = None
    code = f"{road.code}-{door}"
    if depth:
        parent = Address.objects.filter(
            road=road,
            door=door,
            building=building if depth > 1 else None,
            unit=unit if depth > 2 else None,
            room=None,
            level=depth,
        ).first()
        if parent is None:
            raise NotFound(_("The address above this one does not exist."), code="no_parent")
        code = parent.code + "".join(f"-{p}" for p in parts[depth - 1 : depth])
        compound = parent.compound
    if Address.objects.filter(code=code).exists():
        raise Conflict(_("This address exists already."), code="address_exists")
    grid, community_id = _grid_of(actor, lon, lat)
    address = Address.objects.create(
        code=code,
        level=depth + 1,
        parent=parent,
        road=road,
        door=door,
        compound=compound,
        building=building,
        unit=unit,
        floor=floor if floor is not None else (room // 100 if room else None),
        room=room,
        lon=lon,
        lat=lat,
        grid=grid,
        community_id=community_id,
        grid_code=grid.code,
    )
    audit_record(actor=actor, action="addresses.address_create", target=address)
    library_version_bump()
    return address


@transaction.atomic
def address_update(
    *,
    actor: User | None,
    address: Address,
    lon: float | None = None,
    lat: float | None = None,
    compound: str | None = None,
) -> Address:
    """Move the point (the grid follows) or rename the compound, on the address and below it."""
    _require_admin(actor)
    changed: dict[str, object] = {}
    if lon is not None and lat is not None:
        grid, community_id = _grid_of(actor, lon, lat)
        address.lon, address.lat = lon, lat
        address.grid, address.community_id, address.grid_code = grid, community_id, grid.code
        changed |= {"lon": lon, "lat": lat, "grid": grid.code}
    address.save()
    if compound is not None and address.level == AddressLevel.DOOR:
        Address.objects.filter(road=address.road, door=address.door).update(compound=compound)
        changed["compound"] = compound
    audit_record(actor=actor, action="addresses.address_update", target=address, detail=changed)
    library_version_bump()
    return address


@dataclass(frozen=True)
class GenerateOutcome:
    roads: int
    addresses: int


def grid_sites(communities: Iterable[str] | None = None) -> list[GridSite]:
    """Every comprehensive grid (of the given communities) with its compound polygons."""
    grids = Node.objects.filter(level=Level.GRID, grid_kind=GridKind.COMPREHENSIVE)
    if communities is not None:
        grids = grids.filter(parent__code__in=list(communities))
    compounds: dict[int, list[tuple[str, int | None]]] = {}
    units = LayerUnit.objects.filter(layer__kind=LayerKind.COMPOUND, node__in=grids)
    for pk, name, node_id in units.order_by("code").values_list("id", "name", "node_id"):
        compounds.setdefault(node_id, []).append((name, pk))
    rows = grids.order_by("code").values_list("id", "code", "boundary")
    return [
        GridSite(
            code,
            code[: CODE_LENGTH[Level.COMMUNITY]],
            code[: CODE_LENGTH[Level.DISTRICT]],
            shapely.from_wkb(bytes(wkb)),
            tuple(compounds.get(pk, ())),
        )
        for pk, code, wkb in rows
    ]


@transaction.atomic
def library_generate(
    *,
    actor: User | None,
    scale: str = "small",
    seed: int = 1,
    communities: Iterable[str] | None = None,
) -> GenerateOutcome:
    """A demo library for every comprehensive grid; refuses when one exists already."""
    _require_admin(actor)
    if scale not in DENSITIES:
        raise InvalidInput(
            _("Unknown scale %(scale)s.") % {"scale": scale},
            problems=[Problem("invalid_scale", _("Unknown scale."), "scale", item=scale)],
        )
    if Road.objects.unscoped().exists():
        raise Conflict(_("The address library is not empty."), code="library_not_empty")
    sites = grid_sites(communities)
    planned_roads, rows = plan_library(sites, DENSITIES[scale], seed)
    node_ids = dict(
        Node.objects.filter(level__in=(Level.DISTRICT, Level.COMMUNITY, Level.GRID)).values_list(
            "code", "id"
        )
    )
    roads = Road.objects.bulk_create(
        [Road(code=r.code, name=r.name, district_id=node_ids[r.district]) for r in planned_roads],
        batch_size=BATCH,
    )
    count = _write(rows, [r.pk for r in roads], node_ids)
    audit_record(
        actor=actor,
        action="addresses.library_generate",
        target_type="addresses.address",
        detail={"scale": scale, "seed": seed, "roads": len(roads), "addresses": count},
    )
    library_version_bump()
    return GenerateOutcome(len(roads), count)


@transaction.atomic
def library_clear(*, actor: User | None, code: str) -> dict[str, int]:
    """Delete the library under a node (the demo's reset), in one statement per table.

    The ORM's cascade would load a city's million rows to follow the parent
    links; one DELETE removes a whole subtree at once and the deferred
    foreign keys are satisfied when it ends.
    """
    _require_admin(actor)
    table = connection.ops.quote_name(Address._meta.db_table)
    column = connection.ops.quote_name("grid_code")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} LIKE %s", [f"{code}%"])  # noqa: S608
        addresses = int(cursor.rowcount)
    roads = Road.objects.visible_to(Scope.within(code)).delete()[0]
    detail = {Address._meta.label: addresses, Road._meta.label: roads}
    audit_record(actor=actor, action="addresses.library_clear", target_id=code, detail=detail)
    library_version_bump()
    return detail


def _write(rows: Iterable[PlannedAddress], road_ids: list[int], node_ids: dict[str, int]) -> int:
    """Insert in batches with ids assigned here, so children can name parents not yet written."""
    first = (Address.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    batch: list[Address] = []
    count = 0
    for position, row in enumerate(rows):
        batch.append(
            Address(
                id=first + position,
                code=row.code,
                level=row.level,
                parent_id=first + row.parent if row.parent is not None else None,
                road_id=road_ids[row.road],
                door=row.door,
                compound=row.compound,
                compound_unit_id=row.compound_unit,
                building=row.building,
                unit=row.unit,
                floor=row.floor,
                room=row.room,
                lon=round(row.lon, 6),
                lat=round(row.lat, 6),
                grid_id=node_ids[row.grid],
                community_id=node_ids[row.community],
                grid_code=row.grid,
            )
        )
        count += 1
        if len(batch) >= BATCH:
            Address.objects.bulk_create(batch)
            batch.clear()
    Address.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Address]):
            cursor.execute(statement)
    return count
