"""Read-only admin views of the registry, with ID numbers and phones masked.

Writes go through the actions (validation, encryption, audit), so the admin
offers none; the ciphertext and blind-index columns are never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.registry.models import Compound, Home, Household, Organisation, Person, Tenancy
from gridgov.registry.selectors import visible

PROVENANCE = ["grid", "community", "address_code", "source", "source_time", "verified_at"]


class ReadOnlyAdmin(ScopedAdmin[Any]):
    def visible(self, user: User) -> QuerySet[Any]:
        """Records by their grid, as the registry's own pages read them."""
        return visible(user, self.model)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "id_number_masked", "phone_masked", "kind", "grid"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = [
        "name",
        "id_number_masked",
        "phone_masked",
        "birth_date",
        "sex",
        "kind",
        "household",
        "home",
        "moved_in",
        "moved_out",
        "service_tags",
        *PROVENANCE,
    ]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["number", "home", "grid"]
    search_fields = ["number"]
    fields = ["number", "home", *PROVENANCE]


@admin.register(Home)
class HomeAdmin(ReadOnlyAdmin):
    list_display = ["address", "tenure", "use", "compound", "grid"]
    list_filter = ["tenure", "use"]
    search_fields = ["address"]
    fields = ["address", "floor_area", "use", "tenure", "compound", *PROVENANCE]


@admin.register(Tenancy)
class TenancyAdmin(ReadOnlyAdmin):
    list_display = ["home", "person", "start", "end"]

    def visible(self, user: User) -> QuerySet[Tenancy]:
        return Tenancy.objects.filter(home__in=visible(user, Home))


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "kind", "small_venue", "grid"]
    list_filter = ["kind", "small_venue"]
    search_fields = ["name", "credit_code"]
    fields = [
        "name",
        "credit_code",
        "kind",
        "address",
        "staff_count",
        "small_venue",
        *PROVENANCE,
    ]


@admin.register(Compound)
class CompoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "managed", "company", "grid"]
    list_filter = ["managed"]
    search_fields = ["name", "company"]
    fields = ["name", "managed", "company", *PROVENANCE]
