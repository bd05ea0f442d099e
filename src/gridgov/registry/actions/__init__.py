"""Every write to the registry, and the one audited way to see an ID number or phone in full.

Each action checks the caller's role, places the record in a grid inside
the caller's jurisdiction (by grid code, by coordinates, or through its
home), collects every problem with the input before writing anything, and
audits what it did with masked values only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import UNMASK_ROLES, Capability, roles_with
from gridgov.addresses.selectors import addresses_visible
from gridgov.audit.actions import audit_record
from gridgov.audit.models import AuditEntry
from gridgov.core import crypto
from gridgov.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ProblemList,
)
from gridgov.core.scope import Scope
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import locate_point, scope_root
from gridgov.registry.models import (
    Compound,
    Home,
    Household,
    Organisation,
    Person,
    Provenance,
    ServiceTag,
    Tenancy,
    Tenure,
)
from gridgov.registry.selectors import person_get
from gridgov.registry.validation import credit_code_check, phone_check, resident_id_check

if TYPE_CHECKING:
    from gridgov.accounts.models import User

WRITE_ROLES = roles_with(Capability.WRITE_REGISTRY)
UNMASK_FIELDS = {"id_number": crypto.PERSON_ID_NUMBER, "phone": crypto.PERSON_PHONE}
UNMASK_ACTION = "registry.unmask"
# Every reveal's audit action ends so (registry.unmask, mediation.unmask …): one limit for all.
REVEAL_SUFFIX = ".unmask"


def unmask_limit_per_hour() -> int:
    return int(getattr(settings, "GRIDGOV_UNMASK_PER_HOUR", 20))


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


def _require_writer(actor: User) -> None:
    if actor.role not in WRITE_ROLES or not actor.is_active:
        raise PermissionDenied(_("Your role may not change the registry."), code="cannot_write")


def _field_problems(
    problems: ProblemList, instance: Provenance | Tenancy, exclude: list[str]
) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, errors in exc.error_dict.items():
            for error in errors:
                problems.add(error.code or "invalid", error.messages[0], field=name)


def record_place(
    actor: User,
    problems: ProblemList,
    *,
    grid_code: str | None,
    lon: float | None,
    lat: float | None,
    address_code: str = "",
    through: Provenance | None = None,
) -> Node | None:
    """The grid a record belongs to: named, located from coordinates, that of its home, or
    located from its address's point in the address library."""
    root = scope_root(actor).code
    if grid_code:
        grid = Node.objects.visible_to(Scope.within(root)).filter(code=grid_code).first()
        if grid is None:
            raise NotFound(
                _("No such jurisdiction node: %(code)s") % {"code": grid_code},
                code="node_not_found",
            )
        if grid.level != Level.GRID:
            problems.add(
                "not_a_grid", _("%(code)s is not a grid.") % {"code": grid_code}, field="grid_code"
            )
            return None
        return grid
    if lon is None and lat is None and through is None and address_code.strip():
        address = addresses_visible(actor).filter(code=address_code.strip()).first()
        if address is None:
            problems.add(
                "unknown_address",
                _("No such address in the address library: %(code)s") % {"code": address_code},
                field="address_code",
            )
            return None
        lon, lat = address.lon, address.lat
    if lon is not None and lat is not None:
        located = locate_point(scope_root(actor), lon, lat).grid
        if located is None:
            problems.add("no_grid", _("No grid covers this point."), field="lon")
        return located
    if through is not None:
        return through.grid
    problems.add(
        "unplaced",
        _("Give a grid code, coordinates, or a home to place the record."),
        field="grid_code",
    )
    return None


def _stamp(
    record: Provenance,
    actor: User,
    grid: Node,
    *,
    address_code: str,
    source: str,
    source_time: datetime | None,
    verified: bool,
) -> None:
    record.grid = grid
    record.community = grid.parent or grid
    record.address_code = address_code.strip()
    record.source = source.strip()
    record.source_time = source_time
    if verified:
        record.verified_at = timezone.now()
        record.verified_by = actor


def _check_visible(actor: User, record: Provenance | None, what: str | Promise) -> None:
    if record is not None and not record.grid.code.startswith(scope_root(actor).code):
        raise NotFound(_("No such %(what)s.") % {"what": what}, code="not_found")


INVALID_PERSON = _("The person's data is not valid.")


def person_checks(problems: ProblemList, *, moved_in: date | None, moved_out: date | None) -> None:
    """What a person's fields must satisfy together, beyond each field's own type."""
    if moved_in and moved_out and moved_out < moved_in:
        problems.add(
            "moved_out_before_in", _("Moving out cannot precede moving in."), field="moved_out"
        )


def home_checks(problems: ProblemList, *, floor_area: Decimal | None) -> None:
    if floor_area is not None and floor_area <= 0:
        problems.add("invalid_area", _("The floor area must be positive."), field="floor_area")


@transaction.atomic
def person_upsert(
    *,
    actor: User,
    id_number: str,
    name: str,
    kind: str,
    grid_code: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address_code: str = "",
    birth_date: date | None = None,
    sex: str = "",
    phone: str = "",
    household: Household | None = None,
    home: Home | None = None,
    moved_in: date | None = None,
    moved_out: date | None = None,
    service_tags: Iterable[str] = (),
    tags_consent: bool = False,
    source: str = "",
    source_time: datetime | None = None,
    verified: bool = False,
) -> Person:
    """Create a person or update the one with this ID number (found through its blind index)."""
    _require_writer(actor)
    _check_visible(actor, household, _("household"))
    _check_visible(actor, home, _("home"))
    problems = ProblemList()
    resident = resident_id_check(problems, id_number, birth_date=birth_date, sex=sex)
    digits = phone_check(problems, phone)
    tags = sorted(set(service_tags))
    for tag in tags:
        if tag not in ServiceTag.values:
            problems.add(
                "invalid_tag",
                _("Unknown service tag: %(tag)s") % {"tag": tag},
                field="service_tags",
                item=tag,
            )
    if tags and not tags_consent:
        problems.add(
            "consent_required",
            _("Service tags are recorded only with the person's consent."),
            field="service_tags",
        )
    person_checks(problems, moved_in=moved_in, moved_out=moved_out)
    grid = record_place(
        actor,
        problems,
        grid_code=grid_code,
        lon=lon,
        lat=lat,
        through=home or household,
        address_code=address_code,
    )
    ring = crypto.keyring()
    sealed_id = crypto.EMPTY
    person = Person()
    if resident is not None:
        sealed_id = crypto.seal(resident.number, crypto.PERSON_ID_NUMBER, ring=ring)
        existing = (
            Person.objects.select_for_update().filter(id_number_index=sealed_id.index).first()
        )
        if existing is not None:
            if not existing.grid.code.startswith(scope_root(actor).code):
                raise Conflict(
                    _("This ID number is registered in another jurisdiction."),
                    code="registered_elsewhere",
                )
            person = existing
    created = person.pk is None
    person.name = name.strip()
    person.kind = kind
    person.household = household
    person.home = home
    person.moved_in = moved_in
    person.moved_out = moved_out
    person.service_tags = tags
    if tags and tags_consent and (created or not person.tags_consent_at):
        person.tags_consent_at = timezone.now()
    if not tags:
        person.tags_consent_at = None
    if resident is not None:
        person.birth_date = resident.birth_date
        person.sex = resident.sex
    _field_problems(
        problems,
        person,
        exclude=[
            "grid",
            "community",
            "id_number_encrypted",
            "id_number_index",
            "id_number_masked",
            "birth_date",
            "sex",
            "phone_encrypted",
            "phone_index",
            "phone_masked",
            "household",
            "home",
            "verified_by",
        ],
    )
    problems.raise_if_any(INVALID_PERSON)
    assert resident is not None  # noqa: S101 - problems raised otherwise
    assert grid is not None  # noqa: S101
    if created:
        person.id_number_encrypted = sealed_id.encrypted
    person.id_number_index = sealed_id.index
    person.id_number_masked = sealed_id.masked
    _set_phone(person, digits, ring)
    _stamp(
        person,
        actor,
        grid,
        address_code=address_code,
        source=source,
        source_time=source_time,
        verified=verified,
    )
    person.save()
    audit_record(
        actor=actor,
        action="registry.person_upsert",
        target=person,
        detail={
            "created": created,
            "id_number": person.id_number_masked,
            "phone": person.phone_masked,
            "kind": person.kind,
            "grid": grid.code,
        },
    )
    return person


def _set_phone(person: Person, digits: str, ring: crypto.Keyring) -> None:
    """A phone is sealed again only when it changed: its blind index says whether it did."""
    sealed = crypto.seal(digits, crypto.PERSON_PHONE, ring=ring)
    if sealed.index == person.phone_index and person.pk is not None:
        return
    person.phone_index = sealed.index
    person.phone_encrypted = sealed.encrypted
    person.phone_masked = sealed.masked


@transaction.atomic
def household_upsert(
    *,
    actor: User,
    number: str,
    home: Home | None = None,
    grid_code: str | None = None,
    address_code: str = "",
    source: str = "",
    source_time: datetime | None = None,
    verified: bool = False,
) -> Household:
    _require_writer(actor)
    _check_visible(actor, home, _("home"))
    problems = ProblemList()
    household = Household.objects.filter(number=number.strip()).first() or Household()
    if household.pk is not None:
        _check_visible(actor, household, _("household"))
    grid = record_place(
        actor,
        problems,
        grid_code=grid_code,
        lon=None,
        lat=None,
        through=home,
        address_code=address_code,
    )
    household.number = number.strip()
    household.home = home
    _field_problems(problems, household, exclude=["grid", "community", "home", "verified_by"])
    problems.raise_if_any(_("The household's data is not valid."))
    assert grid is not None  # noqa: S101 - problems raised otherwise
    created = household.pk is None
    _stamp(
        household,
        actor,
        grid,
        address_code=address_code,
        source=source,
        source_time=source_time,
        verified=verified,
    )
    household.save()
    audit_record(
        actor=actor,
        action="registry.household_upsert",
        target=household,
        detail={"created": created, "number": household.number, "grid": grid.code},
    )
    return household


@transaction.atomic
def home_upsert(
    *,
    actor: User,
    address: str,
    grid_code: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address_code: str = "",
    floor_area: Decimal | None = None,
    use: str = "residential",
    tenure: str = Tenure.OWNER_OCCUPIED,
    compound: Compound | None = None,
    source: str = "",
    source_time: datetime | None = None,
    verified: bool = False,
) -> Home:
    """A home is identified by its standard address within its grid."""
    _require_writer(actor)
    _check_visible(actor, compound, _("compound"))
    problems = ProblemList()
    grid = record_place(
        actor,
        problems,
        grid_code=grid_code,
        lon=lon,
        lat=lat,
        through=compound,
        address_code=address_code,
    )
    home = Home.objects.filter(grid=grid, address=address.strip()).first() if grid else None
    home = home or Home()
    created = home.pk is None
    home.address = address.strip()
    home.floor_area = floor_area
    home.use = use
    home.tenure = tenure
    home.compound = compound
    home_checks(problems, floor_area=floor_area)
    _field_problems(problems, home, exclude=["grid", "community", "compound", "verified_by"])
    problems.raise_if_any(_("The home's data is not valid."))
    assert grid is not None  # noqa: S101 - problems raised otherwise
    _stamp(
        home,
        actor,
        grid,
        address_code=address_code,
        source=source,
        source_time=source_time,
        verified=verified,
    )
    home.save()
    audit_record(
        actor=actor,
        action="registry.home_upsert",
        target=home,
        detail={"created": created, "tenure": home.tenure, "grid": grid.code},
    )
    return home


@transaction.atomic
def tenancy_add(
    *, actor: User, home: Home, person: Person, start: date, end: date | None = None
) -> Tenancy:
    """Record a tenant; the home becomes a rental."""
    _require_writer(actor)
    _check_visible(actor, home, _("home"))
    _check_visible(actor, person, _("person"))
    problems = ProblemList()
    if end is not None and end < start:
        problems.add("end_before_start", _("A tenancy cannot end before it starts."), field="end")
    problems.raise_if_any(_("The tenancy is not valid."))
    if end is None and Tenancy.objects.filter(home=home, person=person, end__isnull=True).exists():
        raise Conflict(_("This person already rents this home."), code="tenancy_open")
    tenancy = Tenancy.objects.create(home=home, person=person, start=start, end=end)
    if home.tenure != Tenure.RENTED:
        home.tenure = Tenure.RENTED
        home.save(update_fields=["tenure", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.tenancy_add",
        target=tenancy,
        detail={"home": home.pk, "person": person.pk, "start": start.isoformat()},
    )
    return tenancy


@transaction.atomic
def tenancy_end(*, actor: User, tenancy: Tenancy, end: date) -> Tenancy:
    _require_writer(actor)
    _check_visible(actor, tenancy.home, _("home"))
    if tenancy.end is not None:
        raise Conflict(_("This tenancy has already ended."), code="tenancy_ended")
    problems = ProblemList()
    if end < tenancy.start:
        problems.add("end_before_start", _("A tenancy cannot end before it starts."), field="end")
    problems.raise_if_any(_("The tenancy is not valid."))
    tenancy.end = end
    tenancy.save(update_fields=["end"])
    audit_record(
        actor=actor, action="registry.tenancy_end", target=tenancy, detail={"end": end.isoformat()}
    )
    return tenancy


@transaction.atomic
def organisation_upsert(
    *,
    actor: User,
    credit_code: str,
    name: str,
    kind: str,
    grid_code: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    address_code: str = "",
    staff_count: int | None = None,
    small_venue: bool = False,
    source: str = "",
    source_time: datetime | None = None,
    verified: bool = False,
) -> Organisation:
    """An organisation is identified by its unified social credit code."""
    _require_writer(actor)
    problems = ProblemList()
    code = credit_code_check(problems, credit_code)
    grid = record_place(
        actor, problems, grid_code=grid_code, lon=lon, lat=lat, address_code=address_code
    )
    org = (
        Organisation.objects.select_for_update().filter(credit_code=code).first() if code else None
    )
    if org is not None and not org.grid.code.startswith(scope_root(actor).code):
        raise Conflict(
            _("This credit code is registered in another jurisdiction."),
            code="registered_elsewhere",
        )
    org = org or Organisation()
    created = org.pk is None
    org.credit_code = code
    org.name = name.strip()
    org.kind = kind
    org.address = address.strip()
    org.staff_count = staff_count
    org.small_venue = small_venue
    _field_problems(problems, org, exclude=["grid", "community", "credit_code", "verified_by"])
    problems.raise_if_any(_("The organisation's data is not valid."))
    assert grid is not None  # noqa: S101 - problems raised otherwise
    _stamp(
        org,
        actor,
        grid,
        address_code=address_code,
        source=source,
        source_time=source_time,
        verified=verified,
    )
    org.save()
    audit_record(
        actor=actor,
        action="registry.organisation_upsert",
        target=org,
        detail={"created": created, "credit_code": code, "grid": grid.code},
    )
    return org


@transaction.atomic
def compound_upsert(
    *,
    actor: User,
    name: str,
    managed: bool,
    company: str = "",
    grid_code: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address_code: str = "",
    source: str = "",
    source_time: datetime | None = None,
    verified: bool = False,
) -> Compound:
    """A compound is identified by its name within its grid."""
    _require_writer(actor)
    problems = ProblemList()
    grid = record_place(
        actor, problems, grid_code=grid_code, lon=lon, lat=lat, address_code=address_code
    )
    if managed and not company.strip():
        problems.add(
            "company_required", _("Name the property company that manages it."), field="company"
        )
    if not managed and company.strip():
        problems.add(
            "company_unmanaged",
            _("An unmanaged compound has no property company."),
            field="company",
        )
    compound = Compound.objects.filter(grid=grid, name=name.strip()).first() if grid else None
    compound = compound or Compound()
    created = compound.pk is None
    compound.name = name.strip()
    compound.managed = managed
    compound.company = company.strip()
    _field_problems(problems, compound, exclude=["grid", "community", "verified_by"])
    problems.raise_if_any(_("The compound's data is not valid."))
    assert grid is not None  # noqa: S101 - problems raised otherwise
    _stamp(
        compound,
        actor,
        grid,
        address_code=address_code,
        source=source,
        source_time=source_time,
        verified=verified,
    )
    compound.save()
    audit_record(
        actor=actor,
        action="registry.compound_upsert",
        target=compound,
        detail={"created": created, "managed": managed, "grid": grid.code},
    )
    return compound


@dataclass(frozen=True)
class Sealed:
    """One sealed value a record may reveal: the crypto field it was sealed under (its AAD),
    the ciphertext (empty when nothing is recorded) and what the page shows instead."""

    crypto_field: str
    stored: str
    masked: str


@transaction.atomic
def sealed_reveal(
    *,
    actor: User,
    target: models.Model,
    action: str,
    field: str,
    purpose: str,
    sealed: Mapping[str, Sealed],
    detail: Mapping[str, Any] | None = None,
) -> str:
    """The one way personal data is shown in full, for the registry and every domain that seals
    people's identifiers (a dispute's parties, a consultation's participants): the role, a
    stated purpose, one hourly limit across every kind of reveal, and the audit row.

    The limit counts every `*.unmask` row of the account in the audit trail itself, so it holds
    across processes and across domains: a leaked session cannot page through people by
    switching from the registry to the parties of disputes."""
    if actor.role not in UNMASK_ROLES or not actor.is_active:
        raise PermissionDenied(
            _("Your role may not see personal data in full."), code="cannot_unmask"
        )
    problems = ProblemList()
    if field not in sealed:
        problems.add(
            "invalid_field", _("Only the ID number or the phone can be shown."), field="field"
        )
    purpose = crypto.redact(purpose.strip())
    if not purpose:
        problems.add("purpose_required", _("State why you need to see it."), field="purpose")
    problems.raise_if_any(_("The request to show personal data is not valid."))
    # Two tabs of one account must not both slip under the limit.
    get_user_model()._default_manager.select_for_update().filter(pk=actor.pk).first()
    since = timezone.now() - timedelta(hours=1)
    # The actor's own reveals, wherever they were made.
    used = (
        AuditEntry.objects.unscoped()
        .filter(actor=actor, action__endswith=REVEAL_SUFFIX, at__gte=since)
        .count()
    )
    if used >= unmask_limit_per_hour():
        raise RateLimited(
            _("You have shown personal data %(n)d times in the last hour; try again later.")
            % {"n": used}
        )
    value = sealed[field]
    if not value.stored:
        raise NotFound(_("Nothing of this kind is recorded."), code="no_value")
    plaintext = crypto.decrypt(value.stored, field=value.crypto_field)
    audit_record(
        actor=actor,
        action=action,
        target=target,
        detail={"field": field, "purpose": purpose, "masked": value.masked, **(detail or {})},
    )
    return plaintext


def pii_unmask(*, actor: User, person_id: int, field: str, purpose: str) -> str:
    """The plaintext of one person's ID number or phone, for a stated purpose, audited."""
    person = person_get(actor, person_id)
    return sealed_reveal(
        actor=actor,
        target=person,
        action=UNMASK_ACTION,
        field=field,
        purpose=purpose,
        sealed={
            "id_number": Sealed(
                UNMASK_FIELDS["id_number"], person.id_number_encrypted, person.id_number_masked
            ),
            "phone": Sealed(UNMASK_FIELDS["phone"], person.phone_encrypted, person.phone_masked),
        },
    )
