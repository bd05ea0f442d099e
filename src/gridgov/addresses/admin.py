"""Admin for roads and standard addresses, limited to the administrator's jurisdiction.

Saves go through the actions, so an admin edit bumps the library version
(every matcher index rebuilds) and leaves the same audit row as the API.
Addresses are added through the actions or the generator, not here: a new
one needs its parent and a grid from its point.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gridgov.accounts.models import User
from gridgov.accounts.requests import request_user
from gridgov.addresses import actions
from gridgov.addresses.models import Address, Road
from gridgov.addresses.selectors import addresses_visible
from gridgov.core.admin_scope import ScopedAdmin
from gridgov.core.scope import Scope
from gridgov.jurisdiction.selectors import scope_root


@admin.register(Road)
class RoadAdmin(ScopedAdmin[Road]):
    list_display = ("code", "name", "district")
    search_fields = ("code", "name")
    fields = ("code", "name", "district", "aliases")
    raw_id_fields = ("district",)

    def visible(self, user: User) -> QuerySet[Road]:
        """Roads are a district's: a subdistrict's administrator sees its district's."""
        return Road.objects.visible_to(Scope.within(scope_root(user).code[:6]))

    def get_readonly_fields(self, request: HttpRequest, obj: Road | None = None) -> tuple[str, ...]:
        return ("code", "district") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Road, form: Any, change: bool) -> None:
        if change:
            name, aliases = obj.name, obj.aliases
            obj.refresh_from_db()
            actions.road_update(actor=request_user(request), road=obj, name=name, aliases=aliases)
        else:
            created = actions.road_create(
                actor=request_user(request),
                code=obj.code,
                name=obj.name,
                district_code=obj.district.code,
                aliases=obj.aliases,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Address)
class AddressAdmin(ScopedAdmin[Address]):
    list_display = ("code", "level", "road", "door", "compound", "building", "unit", "room")
    list_filter = ("level",)
    search_fields = ("code", "compound")
    fields = (
        "code", "level", "road", "door", "compound", "building", "unit", "floor", "room",
        "lon", "lat", "grid_code",
    )  # fmt: skip
    readonly_fields = (
        "code", "level", "road", "door", "building", "unit", "floor", "room", "grid_code",
    )  # fmt: skip
    show_full_result_count = False

    def visible(self, user: User) -> QuerySet[Address]:
        return addresses_visible(user)

    def save_model(self, request: HttpRequest, obj: Address, form: Any, change: bool) -> None:
        lon, lat, compound = obj.lon, obj.lat, obj.compound
        obj.refresh_from_db()
        actions.address_update(
            actor=request_user(request),
            address=obj,
            lon=lon if (lon, lat) != (obj.lon, obj.lat) else None,
            lat=lat if (lon, lat) != (obj.lon, obj.lat) else None,
            compound=compound if compound != obj.compound else None,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
