"""Registry records for tests, made through the actions so they are encrypted as in production."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric, uscc

from gridgov.accounts.models import User
from gridgov.registry import actions
from gridgov.registry.models import Compound, Home, Household, Organisation, Person, Tenancy

GRID = "320104001001001"
SIBLING_GRID = "320104002001001"
PHONE = "13812345678"


def resident_id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def credit_code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


ID_NUMBER = resident_id("32010219900105123")  # 320102199001051234, a man born 1990-01-05
CREDIT_CODE = credit_code("91320104MA1XY1234")


@dataclass
class Records:
    compound: Compound
    home: Home
    household: Household
    person: Person
    tenant: Person
    tenancy: Tenancy
    organisation: Organisation


def make_records(actor: User, *, grid: str = GRID, seed: str = "1") -> Records:
    """One of everything in a grid, named 目标… so a scope test can look for the names."""
    compound = actions.compound_upsert(
        actor=actor, name=f"目标小区{seed}", managed=True, company="目标物业", grid_code=grid
    )
    home = actions.home_upsert(
        actor=actor, address=f"目标路{seed}号101室", grid_code=grid, compound=compound
    )
    household = actions.household_upsert(actor=actor, number=f"H{grid}{seed}", home=home)
    person = actions.person_upsert(
        actor=actor,
        id_number=resident_id(f"3201021990010{seed}123") if seed != "1" else ID_NUMBER,
        name=f"目标居民{seed}",
        kind="registered",
        phone=PHONE if seed == "1" else f"1391234567{seed}",
        household=household,
        home=home,
        verified=True,
    )
    tenant = actions.person_upsert(
        actor=actor,
        id_number=resident_id(f"3201021985050{seed}004"),
        name=f"目标租户{seed}",
        kind="floating",
        home=home,
    )
    tenancy = actions.tenancy_add(actor=actor, home=home, person=tenant, start=date(2026, 1, 1))
    organisation = actions.organisation_upsert(
        actor=actor,
        credit_code=CREDIT_CODE if seed == "1" else credit_code(f"92320104MA1XY567{seed}"),
        name=f"目标小吃店{seed}",
        kind="individual_business",
        grid_code=grid,
        small_venue=True,
        staff_count=3,
    )
    return Records(compound, home, household, person, tenant, tenancy, organisation)
