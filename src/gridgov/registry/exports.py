"""The people of a grid or community within the caller's right, masked unless revealed
(gridgov.exports): revealing decrypts here, for the export action that checked the right."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import crypto
from gridgov.core.scope import Scope
from gridgov.exports.lists import Column, ListExport, Params, list_register
from gridgov.registry.models import Person
from gridgov.registry.selectors import SEARCH_CRITERIA, person_search, visible

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gridgov.accounts.models import User


def people_rows(user: User, params: Params) -> QuerySet[Person]:
    rows = visible(user, Person).select_related("home").order_by("grid__code", "name", "id")
    place = params.get("node", "").strip()
    if place:
        rows = rows.visible_to(Scope.within(place))
    if params.get("kind"):
        rows = rows.filter(kind=params["kind"])
    if params.get("name", "").strip():
        rows = rows.filter(name__icontains=params["name"].strip())
    return rows


def _id_number(person: Any) -> str:
    return crypto.decrypt(person.id_number_encrypted, field="person.id_number")


def _phone(person: Any) -> str:
    if not person.phone_encrypted:
        return ""
    return crypto.decrypt(person.phone_encrypted, field="person.phone")


PERSON_COLUMNS = [
    Column(pgettext_lazy("person", "Name"), lambda p: p.name),
    Column(_("ID number"), lambda p: p.id_number_masked, revealed=_id_number),
    Column(_("Phone"), lambda p: p.phone_masked, revealed=_phone),
    Column(_("Kind"), lambda p: p.get_kind_display()),
    Column(_("Grid"), lambda p: p.grid.name),
    Column(_("Home"), lambda p: p.home.address if p.home else ""),
]

PEOPLE = list_register(
    ListExport(
        name="registry.people", title=_("Residents"), columns=PERSON_COLUMNS, rows=people_rows
    )
)


def search_rows(user: User, params: Params) -> QuerySet[Person]:
    """The people the search page found for the same criteria (at most its limit)."""
    return person_search(user, **{name: params.get(name, "") for name in SEARCH_CRITERIA})


SEARCH = list_register(
    ListExport(
        name="registry.search",
        title=_("Registry search results"),
        columns=PERSON_COLUMNS,
        rows=search_rows,
        secret_params=frozenset({"id_number", "phone"}),
    )
)
