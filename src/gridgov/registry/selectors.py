"""Every read of the registry, scoped to the caller's jurisdiction by the record's grid code.

A record outside the caller's tree answers NotFound, exactly like one that
does not exist. Nothing here decrypts: lists and pages show the masked
columns, and plaintext comes only from actions.pii_unmask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, cast

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gridgov.addresses.models import Address
from gridgov.core.crypto import blind_index
from gridgov.core.errors import NotFound, ProblemList
from gridgov.core.scope import ScopedQuerySet
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.registry.models import (
    Compound,
    Home,
    Household,
    Organisation,
    Person,
    Provenance,
    ResidentKind,
    Tenancy,
    Tenure,
)
from gridgov.registry.sources import Source
from gridgov.registry.validation import phone_check, resident_id_normalise

if TYPE_CHECKING:
    from gridgov.accounts.models import User

M = TypeVar("M", bound=Provenance)
SEARCH_LIMIT = 100
# The search form's fields, as person_search takes them (its export repeats the search).
SEARCH_CRITERIA = ("id_number", "phone", "name", "address")


def visible(user: User, model: type[M]) -> ScopedQuerySet[M]:
    rows = model.objects.visible_to(scope_of(user)).select_related("grid", "community")
    return cast("ScopedQuerySet[M]", rows)


def _get(user: User, model: type[M], pk: int) -> M:
    row = visible(user, model).filter(pk=pk).first()
    if row is None:
        raise NotFound(
            _("No such %(what)s.") % {"what": model._meta.verbose_name}, code="not_found"
        )
    return row


def person_search(
    user: User, *, id_number: str = "", phone: str = "", name: str = "", address: str = ""
) -> QuerySet[Person]:
    """ID number and phone exactly, through their blind indexes; name and address by substring.

    All given criteria must hold.
    """
    rows = visible(user, Person).select_related("home", "household", "grid")
    if not (id_number.strip() or phone.strip() or name.strip() or address.strip()):
        return rows.none()
    if id_number.strip():
        index = blind_index(resident_id_normalise(id_number), field="person.id_number")
        rows = rows.filter(id_number_index=index)
    if phone.strip():
        digits = phone_check(ProblemList(), phone)
        rows = rows.filter(phone_index=blind_index(digits, field="person.phone") if digits else "-")
    if name.strip():
        rows = rows.filter(name__icontains=name.strip())
    if address.strip():
        text = address.strip()
        rows = rows.filter(Q(home__address__icontains=text) | Q(address_code=text))
    return rows.order_by("name", "id")[:SEARCH_LIMIT]


def person_get(user: User, person_id: int) -> Person:
    return _get(user, Person, person_id)


def household_get(user: User, household_id: int) -> Household:
    return _get(user, Household, household_id)


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    members: list[Person]


def household_detail(user: User, household_id: int) -> HouseholdDetail:
    household = household_get(user, household_id)
    return HouseholdDetail(household, list(visible(user, Person).filter(household=household)))


def home_get(user: User, home_id: int) -> Home:
    return _get(user, Home, home_id)


@dataclass(frozen=True)
class HomeDetail:
    home: Home
    tenancies: list[Tenancy]
    residents: list[Person]


def home_detail(user: User, home_id: int) -> HomeDetail:
    """A home with its tenants, newest tenancy first, and the people living there."""
    home = home_get(user, home_id)
    tenancies = Tenancy.objects.filter(home=home, person__in=visible(user, Person))
    return HomeDetail(
        home,
        list(tenancies.select_related("person")),
        list(visible(user, Person).filter(home=home)),
    )


def person_tenancies(user: User, person: Person) -> list[Tenancy]:
    """The homes a person rents or rented, among those the caller may see."""
    rows = Tenancy.objects.filter(person=person, home__in=visible(user, Home))
    return list(rows.select_related("home"))


def tenancy_get(user: User, tenancy_id: int) -> Tenancy:
    row = (
        Tenancy.objects.filter(pk=tenancy_id, home__in=visible(user, Home))
        .select_related("home", "person")
        .first()
    )
    if row is None:
        raise NotFound(_("No such tenancy."), code="not_found")
    return row


def organisation_get(user: User, organisation_id: int) -> Organisation:
    return _get(user, Organisation, organisation_id)


def compound_get(user: User, compound_id: int) -> Compound:
    return _get(user, Compound, compound_id)


@dataclass(frozen=True)
class CompoundDetail:
    compound: Compound
    homes: list[Home]


def compound_detail(user: User, compound_id: int) -> CompoundDetail:
    compound = compound_get(user, compound_id)
    return CompoundDetail(compound, list(visible(user, Home).filter(compound=compound)))


def grid_get(user: User, code: str) -> Node:
    grid = Node.objects.visible_to(scope_of(user)).filter(code=code, level=Level.GRID).first()
    if grid is None:
        raise NotFound(_("No such grid: %(code)s") % {"code": code}, code="node_not_found")
    return grid


@dataclass(frozen=True)
class GridRegistry:
    """What the registry holds about one grid: the registry's part of its block data (块数据)."""

    grid: Node
    people_by_kind: dict[str, int]
    homes: int
    rentals: int
    organisations: int
    small_venues: int
    compounds: int
    managed_compounds: int

    @property
    def people(self) -> int:
        return sum(self.people_by_kind.values())

    @property
    def people_rows(self) -> list[tuple[str, int]]:
        return [(str(kind.label), self.people_by_kind[kind.value]) for kind in ResidentKind]


def grid_registry(user: User, grid: Node) -> GridRegistry:
    """The registry's counts for one grid the caller sees."""
    grid = grid_get(user, grid.code)
    people = Person.objects.filter(grid=grid, moved_out__isnull=True)
    by_kind = {kind.value: 0 for kind in ResidentKind}
    by_kind.update(dict(people.values_list("kind").annotate(n=Count("id")).order_by()))
    homes = Home.objects.filter(grid=grid).aggregate(
        total=Count("id"), rented=Count("id", filter=Q(tenure=Tenure.RENTED))
    )
    orgs = Organisation.objects.filter(grid=grid).aggregate(
        total=Count("id"), small=Count("id", filter=Q(small_venue=True))
    )
    compounds = Compound.objects.filter(grid=grid).aggregate(
        total=Count("id"), managed=Count("id", filter=Q(managed=True))
    )
    return GridRegistry(
        grid=grid,
        people_by_kind=by_kind,
        homes=homes["total"],
        rentals=homes["rented"],
        organisations=orgs["total"],
        small_venues=orgs["small"],
        compounds=compounds["total"],
        managed_compounds=compounds["managed"],
    )


# The sources a record's `source` holds besides the verification sources: an import job
# ("import:<job>:<file>") and a grid worker's check on the ground.
IMPORT_PREFIX = "import:"
FIELD_CHECK = "field_check"


def source_text(source: str) -> str:
    """A record's source in words: "import:1:people.csv" reads as the import and its file,
    "department_file:公安.xlsx" as the kind of source and its batch."""
    if source.startswith(IMPORT_PREFIX):
        job, _sep, name = source.removeprefix(IMPORT_PREFIX).partition(":")
        return str(_("import no. %(job)s (%(file)s)") % {"job": job, "file": name})
    if source == FIELD_CHECK:
        return str(_("grid worker's check on site"))
    kind, _sep, batch = source.partition(":")
    if kind in Source.values:
        # A verified change keeps its source and the batch it came in ("department_file:…").
        label = str(Source(kind).label)
        return f"{label}（{batch}）" if batch else label
    return source


def address_text(code: str) -> str:
    """The written address behind a record's address code; empty when the library has none."""
    if not code:
        return ""
    address = Address.objects.select_related("road").filter(code=code).first()
    return address.label if address is not None else ""


def _living() -> QuerySet[Person]:
    return Person.objects.filter(moved_out__isnull=True)


def registered_count(grid: Node) -> int:
    """The people living in one grid by the registry: see with_registered."""
    return _living().filter(grid=grid).count()


def with_registered(nodes: QuerySet[Node]) -> QuerySet[Node]:
    """Nodes annotated with `registered`, the people living in each grid by the registry (not
    moved out), to show beside the population imported with the boundaries: the one a
    statistics office counted, the other what the grid workers keep."""
    living = (
        _living()
        .filter(grid=OuterRef("pk"))
        .order_by()
        .values("grid")
        .annotate(n=Count("id"))
        .values("n")
    )
    return nodes.annotate(registered=Coalesce(Subquery(living), 0))
