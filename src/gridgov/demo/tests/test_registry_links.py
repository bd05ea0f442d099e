"""The demo registry across districts, with the links an import file cannot carry."""

from __future__ import annotations

import pytest
from django.db.models import F

from gridgov.audit.models import AuditEntry
from gridgov.demo.actions import demo_city_seed
from gridgov.demo.plan import QINHUAI, SCALES, Scale
from gridgov.exchange.models import ImportJob
from gridgov.registry.models import Compound, Home, Person, ResidentKind, Tenancy, Tenure

JIANYE = "320105"


@pytest.fixture
def two_districts(db: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A small city of two districts: what the city scale does with eleven."""
    monkeypatch.setitem(SCALES, "small", Scale("small", (QINHUAI, JIANYE), 2, None, 1))
    return demo_city_seed(scale="small", seed=1, progress=False, history=False).counts


def test_people_live_in_every_district_each_imported_by_someone_who_holds_it(
    two_districts: dict[str, int],
) -> None:
    people = Person.objects.values_list("grid__code", flat=True)
    by_district = {code[:6] for code in people}
    assert by_district == {QINHUAI, JIANYE}
    assert two_districts["people"] == 3_000
    for username in ("dc", "cc"):
        jobs = ImportJob.objects.filter(created_by__username=username, rows_created__gt=0)
        assert {job.kind for job in jobs} >= {"people", "homes", "organisations"}, username
    assert Person.objects.filter(grid__code__startswith=JIANYE).count() > 100
    # One seed for the three checks: a seed takes half a minute.
    _homes_sit_in_their_rooms_compounds_and_people_in_their_homes(two_districts)
    _every_floating_resident_of_a_rented_home_is_its_tenant(two_districts)


def _homes_sit_in_their_rooms_compounds_and_people_in_their_homes(
    two_districts: dict[str, int],
) -> None:
    assert not Person.objects.filter(home__isnull=True).exists()
    mismatched = Person.objects.exclude(home__address_code=F("address_code"))
    assert not mismatched.exists()
    in_compounds = Home.objects.filter(compound__isnull=False).select_related("compound")
    assert in_compounds.count() > Home.objects.count() // 2
    assert all(home.compound.grid_id == home.grid_id for home in in_compounds)  # type: ignore[union-attr]
    assert two_districts["compounds"] == Compound.objects.count()
    assert {c.grid.code[:6] for c in Compound.objects.select_related("grid")} == {QINHUAI, JIANYE}


def _every_floating_resident_of_a_rented_home_is_its_tenant(
    two_districts: dict[str, int],
) -> None:
    tenants = Person.objects.filter(kind=ResidentKind.FLOATING, home__tenure=Tenure.RENTED)
    tenancies = Tenancy.objects.select_related("person", "home")
    assert tenancies.count() == tenants.count() == two_districts["tenancies"] > 0
    assert all(t.person.home_id == t.home_id for t in tenancies)
    entry = AuditEntry.objects.get(action="demo.registry_links")
    assert entry.detail["tenancies"] == two_districts["tenancies"]
