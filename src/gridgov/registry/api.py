"""The registry API: ID numbers and phones only ever leave masked, except through /unmask."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gridgov.accounts.requests import request_user
from gridgov.registry import actions, selectors
from gridgov.registry.models import (
    Compound,
    Home,
    HomeUse,
    Household,
    Organisation,
    OrganisationKind,
    Person,
    ResidentKind,
    Sex,
    Tenancy,
    Tenure,
)

if TYPE_CHECKING:
    pass

router = Router(tags=["registry"])


class NodeRef(Schema):
    code: str
    name: str


class Placement(Schema):
    grid_code: str | None = Field(None, description="The grid; or give lon/lat instead.")
    lon: float | None = None
    lat: float | None = None
    address_code: str = Field("", description="Code of the standard address, when known.")
    source: str = ""
    source_time: datetime | None = None
    verified: bool = Field(False, description="Checked on the ground by the caller just now.")


class ProvenanceOut(Schema):
    id: int
    grid: NodeRef
    community: NodeRef
    address_code: str
    source: str
    source_time: datetime | None
    verified_at: datetime | None


class PersonOut(ProvenanceOut):
    name: str
    id_number: str = Field(alias="id_number_masked", description="Masked.")
    phone: str = Field(alias="phone_masked", description="Masked.")
    birth_date: date
    sex: Sex
    kind: ResidentKind
    kind_label: str = Field(alias="get_kind_display")
    household_id: int | None
    home_id: int | None
    moved_in: date | None
    moved_out: date | None
    service_tags: list[str]


class PersonIn(Placement):
    id_number: str
    name: str
    kind: str
    birth_date: date | None = Field(None, description="Checked against the ID number if given.")
    sex: str = Field("", description="M or F; checked against the ID number if given.")
    phone: str = ""
    household_id: int | None = None
    home_id: int | None = None
    moved_in: date | None = None
    moved_out: date | None = None
    service_tags: list[str] = Field(default_factory=list)
    tags_consent: bool = Field(False, description="The person agreed to the service tags.")


class SearchIn(Schema):
    id_number: str = Field("", description="Exact match; sent in the body to stay out of logs.")
    phone: str = Field("", description="Exact match.")
    name: str = ""
    address: str = ""


class UnmaskIn(Schema):
    field: str = Field(description="id_number or phone")
    purpose: str = Field(description="Why the value is needed; kept in the audit trail.")


class UnmaskOut(Schema):
    field: str
    value: str


class TenancyOut(Schema):
    id: int
    home_id: int
    person: PersonOut
    start: date
    end: date | None


class HomeOut(ProvenanceOut):
    address: str
    floor_area: Decimal | None
    use: HomeUse
    tenure: Tenure
    compound_id: int | None


class HomeDetailOut(Schema):
    home: HomeOut
    tenancies: list[TenancyOut]
    residents: list[PersonOut]


class HomeIn(Placement):
    address: str
    floor_area: Decimal | None = None
    use: str = HomeUse.RESIDENTIAL
    tenure: str = Tenure.OWNER_OCCUPIED
    compound_id: int | None = None


class TenancyIn(Schema):
    person_id: int
    start: date
    end: date | None = None


class TenancyEndIn(Schema):
    end: date


class HouseholdOut(ProvenanceOut):
    number: str
    home_id: int | None


class HouseholdDetailOut(Schema):
    household: HouseholdOut
    members: list[PersonOut]


class HouseholdIn(Schema):
    number: str
    home_id: int | None = None
    grid_code: str | None = None
    address_code: str = ""
    source: str = ""
    source_time: datetime | None = None
    verified: bool = False


class OrganisationOut(ProvenanceOut):
    name: str
    credit_code: str
    kind: OrganisationKind
    address: str
    staff_count: int | None
    small_venue: bool


class OrganisationIn(Placement):
    credit_code: str
    name: str
    kind: str
    address: str = ""
    staff_count: int | None = None
    small_venue: bool = False


class CompoundOut(ProvenanceOut):
    name: str
    managed: bool
    company: str


class CompoundDetailOut(Schema):
    compound: CompoundOut
    homes: list[HomeOut]


class CompoundIn(Placement):
    name: str
    managed: bool
    company: str = ""


@router.post("/people/search", response=list[PersonOut])
def person_search(request: HttpRequest, payload: SearchIn) -> list[Person]:
    """At most 100 people; the ID number is matched exactly through its blind index."""
    return list(selectors.person_search(request_user(request), **payload.dict()))


@router.post("/people", response=PersonOut)
def person_upsert(request: HttpRequest, payload: PersonIn) -> Person:
    user = request_user(request)
    data = payload.dict(exclude={"household_id", "home_id"})
    person = actions.person_upsert(
        actor=user,
        household=(
            selectors.household_get(user, payload.household_id) if payload.household_id else None
        ),
        home=selectors.home_get(user, payload.home_id) if payload.home_id else None,
        **data,
    )
    return selectors.person_get(user, person.pk)


@router.get("/people/{person_id}", response=PersonOut)
def person_detail(request: HttpRequest, person_id: int) -> Person:
    return selectors.person_get(request_user(request), person_id)


@router.post("/people/{person_id}/unmask", response=UnmaskOut)
def person_unmask(request: HttpRequest, person_id: int, payload: UnmaskIn) -> dict[str, str]:
    """The value in full, once; needs a role that may, a purpose, and is audited and limited."""
    value = actions.pii_unmask(
        actor=request_user(request),
        person_id=person_id,
        field=payload.field,
        purpose=payload.purpose,
    )
    return {"field": payload.field, "value": value}


@router.get("/households/{household_id}", response=HouseholdDetailOut)
def household_detail(request: HttpRequest, household_id: int) -> selectors.HouseholdDetail:
    return selectors.household_detail(request_user(request), household_id)


@router.post("/households", response=HouseholdOut)
def household_upsert(request: HttpRequest, payload: HouseholdIn) -> Household:
    user = request_user(request)
    return actions.household_upsert(
        actor=user,
        home=selectors.home_get(user, payload.home_id) if payload.home_id else None,
        **payload.dict(exclude={"home_id"}),
    )


@router.get("/homes/{home_id}", response=HomeDetailOut)
def home_detail(request: HttpRequest, home_id: int) -> selectors.HomeDetail:
    """A home with its tenancies (newest first) and its residents."""
    return selectors.home_detail(request_user(request), home_id)


@router.post("/homes", response=HomeOut)
def home_upsert(request: HttpRequest, payload: HomeIn) -> Home:
    user = request_user(request)
    return actions.home_upsert(
        actor=user,
        compound=selectors.compound_get(user, payload.compound_id) if payload.compound_id else None,
        **payload.dict(exclude={"compound_id"}),
    )


@router.post("/homes/{home_id}/tenancies", response={201: TenancyOut})
def tenancy_add(request: HttpRequest, home_id: int, payload: TenancyIn) -> Status[Tenancy]:
    user = request_user(request)
    tenancy = actions.tenancy_add(
        actor=user,
        home=selectors.home_get(user, home_id),
        person=selectors.person_get(user, payload.person_id),
        start=payload.start,
        end=payload.end,
    )
    return Status(201, tenancy)


@router.post("/tenancies/{tenancy_id}/end", response=TenancyOut)
def tenancy_end(request: HttpRequest, tenancy_id: int, payload: TenancyEndIn) -> Tenancy:
    user = request_user(request)
    return actions.tenancy_end(
        actor=user, tenancy=selectors.tenancy_get(user, tenancy_id), end=payload.end
    )


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    return selectors.organisation_get(request_user(request), organisation_id)


@router.post("/organisations", response=OrganisationOut)
def organisation_upsert(request: HttpRequest, payload: OrganisationIn) -> Organisation:
    return actions.organisation_upsert(actor=request_user(request), **payload.dict())


@router.get("/compounds/{compound_id}", response=CompoundDetailOut)
def compound_detail(request: HttpRequest, compound_id: int) -> selectors.CompoundDetail:
    return selectors.compound_detail(request_user(request), compound_id)


@router.post("/compounds", response=CompoundOut)
def compound_upsert(request: HttpRequest, payload: CompoundIn) -> Compound:
    return actions.compound_upsert(actor=request_user(request), **payload.dict())
